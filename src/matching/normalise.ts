/**
 * Text normalisation shared by rule compilation and message matching, so that a keyword written
 * in any form by an operator meets a buyer's message written in any form.
 *
 * - `canonical`: NFKC (full-width → half-width, ㎏ → kg), lower case, traditional → simplified.
 *   Keeps spaces and punctuation: the figure reader needs "165 110" to stay two numbers.
 * - `matchKey`: canonical text with spaces, punctuation, symbols, emoji and WeChat emoji codes
 *   ([捂脸]) removed — what keywords are matched against. One space survives between two Latin/digit
 *   runs so that `\bhi\b` still tells "hi there" from "shipping".
 */
import * as OpenCC from 'opencc-js'

// OpenCC standard and Hong Kong variants (衞/卫) chained. Not the Taiwan preset: it maps the simplified
// 么 to 幺, so normalising twice would differ — and keywords and messages must meet in one form.
const fromT = OpenCC.Converter({ from: 't', to: 'cn' })
const fromHk = OpenCC.Converter({ from: 'hk', to: 'cn' })

// A Han character in the range opencc could change; pure ASCII/digit text skips conversion.
// eslint-disable-next-line no-control-regex -- the whole ASCII range, not a stray control character
const NON_ASCII = /[^\x00-\x7f]/

// Ideographic description characters (⿰ ⿱ …) are not words, and OpenCC leaves the characters after
// one unconverted (⿰發貨 stays traditional), so normalising twice would differ: they are dropped first.
const IDEOGRAPHIC_DESCRIPTION = /[\u2ff0-\u2fff]/g

export function canonical (text: string): string {
  const lowered = text.normalize('NFKC').toLowerCase().replace(IDEOGRAPHIC_DESCRIPTION, '')
  return NON_ASCII.test(lowered) ? fromHk(fromT(lowered)) : lowered
}

// WeChat / Taobao render emoji as bracketed names: [微笑] [捂脸] [OK]. Short, no spaces inside.
const EMOJI_CODE = /\[[^\]\s]{1,6}\]/gu
// Anger is the one feeling an emoji adds that the bot must act on (a complaint goes first): angry
// emoji and codes become the word 发怒, which the complaint lexicon holds; the rest are ignored.
const ANGER = /[\u{1F621}\u{1F92C}\u{1F47F}\u{1F4A2}]|\[(?:发怒|怒|咒骂|骂|愤怒)\]/gu
// Everything that is not a letter or a number (in any script) separates words.
const ASCII_WORD_END = /[a-z0-9]$/
const ASCII_WORD_START = /^[a-z0-9]/

export function keyFromCanonical (canon: string): string {
  return segment(canon).key
}

/**
 * Where the clauses of a message meet in its match key. Normalisation drops spaces and punctuation,
 * which is where buyers end their clauses ("已经寄回去了，什么时候退"), so the key offsets at which a
 * separator stood are kept for the clause reading; `asked` holds the breaks whose separator had a
 * question mark (the clause before it was asked).
 */
export interface Segmented { key: string; breaks: number[]; asked: number[] }

const QUESTION_MARK = /[?？]/
const SPACES_ONLY = /^\s+$/

export function segment (canon: string): Segmented {
  const parts = canon.replace(ANGER, ' 发怒 ').replace(EMOJI_CODE, ' ').split(/([^\p{L}\p{N}]+)/u)
  let out = ''
  const breaks: number[] = []
  const asked: number[] = []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (i % 2 === 1) {
      // a separator run: a clause ends here (unless nothing came before it)
      if (out === '') continue
      // "能 退 吗" is one clause typed spaced out: spaces around a single character break nothing
      const spaced = SPACES_ONLY.test(part) && ((parts[i - 1] ?? '').length === 1 || (parts[i + 1] ?? '').length === 1)
      if (!spaced && breaks.at(-1) !== out.length) breaks.push(out.length)
      if (QUESTION_MARK.test(part) && asked.at(-1) !== out.length) asked.push(out.length)
      continue
    }
    if (part === '') continue
    if (out !== '' && ASCII_WORD_END.test(out) && ASCII_WORD_START.test(part)) out += ' '
    out += part
  }
  // a separator at the very end closes the last clause; it is not a break inside the message
  while (breaks.length > 0 && breaks.at(-1)! >= out.length) breaks.pop()
  return { key: out, breaks, asked }
}

export function matchKey (text: string): string {
  return keyFromCanonical(canonical(text))
}

/** Both forms at once, for the message hot path (canonicalises once), with the clause breaks. */
export function normalise (text: string): { canonical: string; key: string; breaks: number[]; asked: number[] } {
  const canon = canonical(text)
  return { canonical: canon, ...segment(canon) }
}

const HAS_CONTENT = /[\p{L}\p{N}]/u
/** True when the text has at least one letter or digit (not only emoji, punctuation or spaces). */
export function hasWords (text: string): boolean {
  return HAS_CONTENT.test(text.replace(EMOJI_CODE, ''))
}
