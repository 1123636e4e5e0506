/**
 * The keyword automaton finds what @monyone/aho-corasick (which it replaced, kept here as the
 * reference) finds, in the same order: on the demo shop's keywords and markers over every fixture
 * message, and on keyword sets made to stress failure links (suffixes, nesting, repeats).
 */
import { describe, it, expect } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { AhoCorasick } from '@monyone/aho-corasick'
import { KeywordAutomaton } from '../../src/matching/automaton.js'
import { engineFor } from '../helpers/engine.js'
import { DEMO_RULES } from '../helpers/build.js'
import { matchKey } from '../../src/matching/normalise.js'

const same = (keywords: string[], texts: string[]) => {
  const ours = new KeywordAutomaton(keywords)
  const reference = new AhoCorasick(keywords)
  for (const t of texts) expect(ours.matchInText(t), t).toEqual(reference.matchInText(t))
}

describe('keyword automaton', () => {
  it('matches as the reference library on the demo shop over every fixture message', async () => {
    const engine = await engineFor(DEMO_RULES)
    const keywords = [...engine.compiled.roles.keys()]
    const texts: string[] = []
    const dir = 'test/fixtures'
    for (const d of [dir, join(dir, 'realistic')]) {
      for (const f of readdirSync(d).filter((n) => n.endsWith('.jsonl') && !n.startsWith('sealed-'))) {
        for (const line of readFileSync(join(d, f), 'utf8').split('\n')) if (line.trim()) texts.push(matchKey(JSON.parse(line).text))
      }
    }
    expect(texts.length).toBeGreaterThan(2500)
    same(keywords, texts)
  })

  it('finds overlapping, nested and suffix keywords, repeated ones once', () => {
    same(['he', 'she', 'his', 'hers', 'she', 'e', 'ers'], ['ushers', 'hishershe', '', 'h', 'sheshe'])
    same(['运费', '运费险', '费险', '退货运费', '货运', '退'], ['退货运费险谁出', '运费运费险', '退退退'])
    same(['aaa', 'aa', 'a'], ['aaaaa'])
    same(['😊', '😊😊', '笑😊'], ['笑😊😊😊'])
  })

  it('an empty keyword set or an empty keyword matches nothing', () => {
    expect(new KeywordAutomaton([]).matchInText('包邮吗')).toEqual([])
    expect(new KeywordAutomaton(['', '包邮']).matchInText('包邮吗')).toEqual([{ keyword: '包邮', begin: 0, end: 2 }])
  })
})
