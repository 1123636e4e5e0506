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
/** The chained conversion itself, for tests comparing it with `canonical`'s shortcut. */
export const toSimplified = (text: string): string => fromHk(fromT(text))

/**
 * Which texts OpenCC could change. Each of its steps replaces dictionary keys found in the text by
 * their values, so a text that holds no key whose value differs comes out as it went in. Such keys
 * are single traditional characters (發) or phrases (回覆); a phrase without such a character is rare
 * (109 of them), so one look-up per character and a phrase check where one could start tell almost
 * every simplified message (all but 30 of the 532 in messages.jsonl) that conversion would leave it as
 * it is. Conversion was a third of a decision's normalising and 12% of the whole decision.
 */
interface Changing {
  chars: Set<string>
  phrases: Map<string, string[]>
  /** per BMP code unit: 1 a changing character, 2 a phrase may start here (one array read per character) */
  bmp: Uint8Array
}
type Dict = string | ReadonlyArray<readonly [string, string]>
function changingKeys (configs: ReadonlyArray<Record<string, unknown> | undefined>): Changing | undefined {
  const chars = new Set<string>()
  const phrases: string[] = []
  for (const config of configs) {
    if (!config) return undefined
    const chains = [config.normalizationChain, config.segmentation === undefined ? undefined : [config.segmentation], config.conversionChain]
    for (const chain of chains) {
      if (chain === undefined) continue
      for (const group of chain as unknown[]) {
        for (const dict of (Array.isArray(group) ? group : [group]) as Dict[]) {
          const pairs = typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as [string, string]) : dict
          for (const [key, value] of pairs) {
            if (key === value) continue
            if ([...key].length === 1) chars.add(key)
            else phrases.push(key)
          }
        }
      }
    }
  }
  const byFirst = new Map<string, string[]>()
  for (const p of phrases) {
    if ([...p].some((c) => chars.has(c))) continue
    const first = String.fromCodePoint(p.codePointAt(0)!)
    byFirst.set(first, [...(byFirst.get(first) ?? []), p])
  }
  const bmp = new Uint8Array(0x10000)
  for (const c of chars) if (c.length === 1) bmp[c.charCodeAt(0)] = 1
  for (const c of byFirst.keys()) if (c.length === 1) bmp[c.charCodeAt(0)] = bmp[c.charCodeAt(0)]! | 2
  return { chars, phrases: byFirst, bmp }
}
const configs = (OpenCC.Locale as { configs?: Record<string, Record<string, unknown>> }).configs
// the presets as Converter({ from: 't' | 'hk', to: 'cn' }) picks them; another library layout: always convert
const CHANGING = changingKeys([configs?.t2s, configs?.hk2s])

/** False when OpenCC is sure to return the text unchanged. */
export function mayConvert (text: string): boolean {
  if (!CHANGING) return true
  const { bmp, chars, phrases } = CHANGING
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      // a character outside the BMP: the sets hold it as two code units
      const c = String.fromCodePoint(text.codePointAt(i)!)
      if (chars.has(c) || phrases.get(c)?.some((p) => text.startsWith(p, i))) return true
      i++
      continue
    }
    const flags = bmp[unit]!
    if (flags === 0) continue
    if (flags & 1) return true
    if (phrases.get(text[i]!)!.some((p) => text.startsWith(p, i))) return true
  }
  return false
}

// A Han character in the range opencc could change; pure ASCII/digit text skips conversion.
// eslint-disable-next-line no-control-regex -- the whole ASCII range, not a stray control character
const NON_ASCII = /[^\x00-\x7f]/

// Ideographic description characters (⿰ ⿱ …) are not words, and OpenCC leaves the characters after
// one unconverted (⿰發貨 stays traditional), so normalising twice would differ: they are dropped first.
const IDEOGRAPHIC_DESCRIPTION = /[\u2ff0-\u2fff]/g
// Conjoining Hangul jamo left over after NFKC (㈀ is "(ᄀ)") are letters, so the match key would keep
// them and drop the separator between them, and a second NFKC would compose them into a syllable: the
// key would not be stable. No rule is written in loose jamo; they become separators.
const CONJOINING_JAMO = /[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]/g

// either of the two above: one scan tells that neither replace has anything to do (nearly always)
const DESCRIPTION_OR_JAMO = /[\u2ff0-\u2fff\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]/

/**
 * NFKC and lower case, for a text all of whose characters are in the ranges buyers mostly type: ASCII,
 * the CJK ideographs, CJK and general punctuation that NFKC leaves as they are, and the full-width
 * forms, which NFKC maps to ASCII (，→ , and Ａ → A, U+3000 → space). None of them composes with
 * another, so the text folds character by character; anything else (emoji, kana, accents, ligatures)
 * returns undefined and goes through String#normalize. The normaliser was a fifth of normalising a
 * message; test/matching/normalise.test.ts checks every character of the table against it.
 */
export function foldCommon (text: string): string | undefined {
  let wide = false
  let upper = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) { if (c >= 0x41 && c <= 0x5a) upper = true; continue }
    const kind = FOLD[c]!
    if (kind === 1) continue
    if (kind === 2) { wide = true; continue }
    return undefined
  }
  const unwidened = wide ? narrowed(text) : text
  return upper || wide ? unwidened.toLowerCase() : unwidened
}
/** The full-width forms as ASCII (U+3000 as a space), the rest as it is. */
function narrowed (text: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (FOLD[c] !== 2) continue
    out += text.slice(from, i) + (c === 0x3000 ? ' ' : String.fromCharCode(c - 0xfee0))
    from = i + 1
  }
  return out + text.slice(from)
}
/** Per BMP code unit: 1 NFKC and lower case leave it as it is, 2 a full-width form; 0 ask the normaliser. */
const FOLD = ((): Uint8Array => {
  const table = new Uint8Array(0x10000)
  for (let c = 0x4e00; c <= 0x9fff; c++) table[c] = 1
  // punctuation ranges, each character kept only where the normaliser agrees (〶 and 〸 are mapped);
  // U+302A–302F are combining tone marks, which reorder: not in the table
  for (const [from, to] of [[0x2010, 0x2027], [0x3001, 0x3029], [0x3030, 0x303f]] as const) {
    for (let c = from; c <= to; c++) {
      const s = String.fromCharCode(c)
      if (s.normalize('NFKC') === s && s.toLowerCase() === s) table[c] = 1
    }
  }
  for (let c = 0xff01; c <= 0xff5e; c++) table[c] = 2
  table[0x3000] = 2
  return table
})()

export function canonical (text: string): string {
  const folded = foldCommon(text) ?? text.normalize('NFKC').toLowerCase()
  const lowered = DESCRIPTION_OR_JAMO.test(folded) ? folded.replace(IDEOGRAPHIC_DESCRIPTION, '').replace(CONJOINING_JAMO, ' ') : folded
  return NON_ASCII.test(lowered) && mayConvert(lowered) ? fromHk(fromT(lowered)) : lowered
}

// WeChat / Taobao render emoji as bracketed names: [微笑] [捂脸] [OK]. Short, no spaces inside.
const EMOJI_CODE = /\[[^\]\s]{1,6}\]/gu
// Anger is the one feeling an emoji adds that the bot must act on (a complaint goes first): angry
// emoji and codes become the word 发怒, which the complaint lexicon holds; the rest are ignored.
const ANGER = /[\u{1F621}\u{1F92C}\u{1F47F}\u{1F4A2}]|\[(?:发怒|怒|咒骂|骂|愤怒)\]/gu
// Everything that is not a letter or a number (in any script) separates words.

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

// Letters and numbers of the BMP as \p{L}\p{N} has them, one byte per code unit, built on first use: the
// segmenter looks each character up once instead of splitting on a Unicode-property regex (which
// made an array of parts per message and was a third of normalising). Surrogates are 0: a pair is
// looked up by its code point, a lone one is no letter.
const WORD_CHAR = /[\p{L}\p{N}]/u
let wordBmp: Uint8Array | undefined
function wordTable (): Uint8Array {
  if (wordBmp) return wordBmp
  const t = new Uint8Array(0x10000)
  for (let c = 0; c < 0x10000; c++) if ((c < 0xd800 || c > 0xdfff) && WORD_CHAR.test(String.fromCharCode(c))) t[c] = 1
  return (wordBmp = t)
}
// emoji that could be anger (all astral) and bracketed codes: most messages have neither
const MAY_HAVE_EMOJI = /[[\ud83d\ud83e]/

/** Length in code units of the character at i when it is a letter or a number, else 0. */
function wordAt (text: string, i: number, table: Uint8Array): number {
  const unit = text.charCodeAt(i)
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1)
    if (low >= 0xdc00 && low <= 0xdfff) return WORD_CHAR.test(text.slice(i, i + 2)) ? 2 : 0
  }
  return table[unit] === 1 ? 1 : 0
}
/** Length in code units of the character at i (a surrogate pair counts as one character). */
function charAt (text: string, i: number): number {
  const unit = text.charCodeAt(i)
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1)
    if (low >= 0xdc00 && low <= 0xdfff) return 2
  }
  return 1
}
const isAsciiWord = (unit: number): boolean => (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x30 && unit <= 0x39)
/** The end of the run of word (or of separator) characters that starts at i. */
function runEnd (text: string, i: number, word: boolean, table: Uint8Array): number {
  while (i < text.length) {
    const w = wordAt(text, i, table)
    if ((w > 0) !== word) break
    i += w > 0 ? w : charAt(text, i)
  }
  return i
}

export function segment (canon: string): Segmented {
  const text = MAY_HAVE_EMOJI.test(canon) ? canon.replace(ANGER, ' 发怒 ').replace(EMOJI_CODE, ' ') : canon
  const table = wordTable()
  let out = ''
  const breaks: number[] = []
  const asked: number[] = []
  // runs alternate: word, separator, word, … (the first word run may be empty), as a split on
  // separator runs gives them
  let i = 0
  let prevWordLength = 0
  if (text.length > 0 && wordAt(text, 0, table) > 0) {
    const end = runEnd(text, 0, true, table)
    out = text.slice(0, end)
    prevWordLength = end
    i = end
  }
  while (i < text.length) {
    const sepEnd = runEnd(text, i, false, table)
    const wordEnd = runEnd(text, sepEnd, true, table)
    if (out !== '') {
      const sep = text.slice(i, sepEnd)
      // "能 退 吗" is one clause typed spaced out: spaces around a single character break nothing
      const spaced = SPACES_ONLY.test(sep) && (prevWordLength === 1 || wordEnd - sepEnd === 1)
      if (!spaced && breaks.at(-1) !== out.length) breaks.push(out.length)
      if (QUESTION_MARK.test(sep) && asked.at(-1) !== out.length) asked.push(out.length)
    }
    if (wordEnd > sepEnd) {
      if (out !== '' && isAsciiWord(out.charCodeAt(out.length - 1)) && isAsciiWord(text.charCodeAt(sepEnd))) out += ' '
      out += text.slice(sepEnd, wordEnd)
    }
    prevWordLength = wordEnd - sepEnd
    i = wordEnd
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
