/**
 * The segmenter walks characters through a table; it must cut exactly where the split on
 * [^\p{L}\p{N}]+ it replaced did (kept here as the reference): on every fixture message, and on random
 * strings of letters, digits, spaces, punctuation, emoji codes, astral letters and lone surrogates.
 */
import { describe, it, expect } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { canonical, segment, type Segmented } from '../../src/matching/normalise.js'

const EMOJI_CODE = /\[[^\]\s]{1,6}\]/gu
const ANGER = /[\u{1F621}\u{1F92C}\u{1F47F}\u{1F4A2}]|\[(?:发怒|怒|咒骂|骂|愤怒)\]/gu
function reference (canon: string): Segmented {
  const parts = canon.replace(ANGER, ' 发怒 ').replace(EMOJI_CODE, ' ').split(/([^\p{L}\p{N}]+)/u)
  let out = ''
  const breaks: number[] = []
  const asked: number[] = []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (i % 2 === 1) {
      if (out === '') continue
      const spaced = /^\s+$/.test(part) && ((parts[i - 1] ?? '').length === 1 || (parts[i + 1] ?? '').length === 1)
      if (!spaced && breaks.at(-1) !== out.length) breaks.push(out.length)
      if (/[?？]/.test(part) && asked.at(-1) !== out.length) asked.push(out.length)
      continue
    }
    if (part === '') continue
    if (out !== '' && /[a-z0-9]$/.test(out) && /^[a-z0-9]/.test(part)) out += ' '
    out += part
  }
  while (breaks.length > 0 && breaks.at(-1)! >= out.length) breaks.pop()
  return { key: out, breaks, asked }
}

describe('segment', () => {
  it('cuts every fixture message as the split it replaced', () => {
    const texts: string[] = []
    for (const d of ['test/fixtures', 'test/fixtures/realistic']) {
      for (const f of readdirSync(d).filter((n) => n.endsWith('.jsonl') && !n.startsWith('sealed-'))) {
        for (const line of readFileSync(join(d, f), 'utf8').split('\n')) if (line.trim()) texts.push(canonical(JSON.parse(line).text))
      }
    }
    for (const t of texts) expect(segment(t), t).toEqual(reference(t))
  })

  it('cuts random text as the split it replaced', () => {
    const piece = fc.constantFrom('退', '货', '能', 'a', 'b', 'x1', '9', ' ', '  ', '，', '?', '？', '!', '[微笑]', '[怒]', '😡', '😊', '𠀀', '\uD83D', '\uDE00', '\n', '-', '~', 'é', '１')
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const t = parts.join('')
      expect(segment(t)).toEqual(reference(t))
    }), { numRuns: 3000 })
  })
})
