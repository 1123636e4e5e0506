/**
 * Typo tolerance, tried only when nothing fired on the text as written:
 * - homophone typos of Han keywords, the commonest IME slip (退活 → 退货, 运废险 → 运费险, 尺马 → 尺码,
 *   包油 → 包邮, 投述 → 投诉): the message and the keywords are compared in folded pinyin, two syllables or more only
 *   (one syllable matches everywhere: 码 ~ 吗), and at most half the characters may differ;
 * - pinyin typed in Latin letters for a keyword (baoyou → 包邮, tuihuo → 退货);
 * - one-letter slips in Latin keywords of five letters or more (helllo, shunfen), by
 *   Damerau–Levenshtein distance from natural.
 * The result is a corrected match key that goes through the ordinary matcher again, so `not`
 * keywords, `all` groups and complaints apply to it as to any message. Pure.
 */
import { pinyin } from 'pinyin-pro'
import { KeywordAutomaton } from './automaton.js'
import distances from 'natural/lib/natural/distance/levenshtein_distance.js'
import { memo } from './shared.js'

const HAN = /^\p{Script=Han}+$/u
const HAN_CHAR = /\p{Script=Han}/u
// Latin words, with the single spaces normalisation keeps between them: "tui huo", "bao you bu"
const LATIN_PHRASE = /[a-z]+(?: [a-z]+)*/g
const HAS_LATIN = /[a-z]/
const MAX_PINYIN_WORDS = 4

// Real words that sound like a keyword; correcting them would answer a question nobody asked.
const REAL_WORDS = new Set(['发火', '退火', '花火', '实事', '事实', '市场', '号码', '密码', '代码', '起码'])
// Particles, pronouns and question words carry no meaning of their own: a correction must keep a content
// character of the keyword that the buyer wrote (尺吗 → 尺码 keeps 尺, 退活 → 退货 keeps 退). Otherwise 了吗
// would become 勒吗, 结晶吗 a size question (紧吗) and 哪个厂做的 a warehouse question (哪个仓) — on the
// realistic dev set the typo pass was wrong as often as right before this (3 right, 3 wrong).
export const FUNCTION_CHARS: ReadonlySet<string> = new Set([...'了吗嘛呢吧啊呀哦的得地是不没有我你他她它们这那在就也都还和跟哪个什么怎多少几啥'])

export interface TypoIndex {
  /** automaton over " syl syl " strings of Han keywords (built on first use) */
  readonly automaton?: KeywordAutomaton
  /** " syl syl " → the keywords that sound like it */
  byPinyin: Map<string, string[]>
  /** first folded syllable → the Han keywords starting with it, and their syllables (the homophone pre-check) */
  readonly byFirstSyllable: Map<string, Array<{ keyword: string; syllables: string[] }>>
  /** pinyin without spaces → keyword (for Latin-typed pinyin) */
  byLatinPinyin: Map<string, string>
  /** Latin keywords long enough for edit-distance tolerance */
  latin: string[]
}

/**
 * The commonest fuzzy pinyin (模糊音) of buyers' IMEs: zh/ch/sh typed as z/c/s and -ng as -n
 * (投述 for 投诉, 顺风 for 顺丰, 跑 shunfen). Both sides are folded the same way.
 */
function fold (syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/ng$/, 'n')
}

// keywords' pinyin, once per process: the same words recur in every shop (src/matching/shared.ts)
export const syllables = memo((text: string): string[] => pinyin(text, { toneType: 'none', type: 'array' }).map(fold))

/** Latin-typed pinyin has no syllable breaks: fold every zh/ch/sh and ng in the run. */
function foldRun (word: string): string {
  return word.replace(/([zcs])h/g, '$1').replace(/ng/g, 'n')
}

/** Indexes the keyword keys (already normalised) that may be corrected towards. */
export function buildTypoIndex (keys: Iterable<string>): TypoIndex {
  const byPinyin = new Map<string, string[]>()
  const byLatinPinyin = new Map<string, string>()
  const latin: string[] = []
  for (const key of keys) {
    if (HAN.test(key) && key.length >= 2) {
      const syl = syllables(key)
      const spaced = ` ${syl.join(' ')} `
      byPinyin.set(spaced, [...(byPinyin.get(spaced) ?? []), key])
      // Latin-typed pinyin only for keywords of three syllables or more, or two long ones: "zaima"
      // is clear, "ma" or "dan" is a word of its own
      const joined = foldRun(syl.join(''))
      if (joined.length >= 5 && !byLatinPinyin.has(joined)) byLatinPinyin.set(joined, key)
    } else if (/^[a-z]{5,}$/.test(key)) {
      latin.push(key)
    }
  }
  // The homophone automaton is built when first asked for: only TYPOS=all uses it (buildEngine asks
  // at once then), and it was the largest part of a compiled shop (~1.3 MB of the demo shop's 3.4 MB)
  // and of a large reload's main-thread compile (~0.8 s for 2,000 rules × 20 keywords).
  let automaton: KeywordAutomaton | undefined | null = null
  let byFirstSyllable: TypoIndex['byFirstSyllable'] | undefined
  return {
    byPinyin,
    byLatinPinyin,
    latin,
    get automaton () {
      if (automaton === null) automaton = byPinyin.size > 0 ? new KeywordAutomaton([...byPinyin.keys()]) : undefined
      return automaton
    },
    // the homophone pre-check's index, built when first asked for, as the automaton
    get byFirstSyllable () {
      byFirstSyllable ??= firstSyllables(byPinyin)
      return byFirstSyllable
    }
  }
}

/** The homophone pre-check's index: keywords by their first syllable, one code unit per character only (it compares per character). */
function firstSyllables (byPinyin: ReadonlyMap<string, string[]>): TypoIndex['byFirstSyllable'] {
  const out: TypoIndex['byFirstSyllable'] = new Map()
  for (const [spaced, keys] of byPinyin) {
    const syl = spaced.trim().split(' ')
    for (const key of keys) {
      if (syl.length !== key.length) continue
      out.set(syl[0]!, [...(out.get(syl[0]!) ?? []), { keyword: key, syllables: syl }])
    }
  }
  return out
}

/**
 * Which typos the engine corrects when nothing fired (TYPOS): `latin` — pinyin typed in Latin letters
 * and slips in Latin keywords only; `all` — also Chinese homophones (退活 → 退货); `off` — none.
 * Homophones are off by default: on sets nobody tuned on they rewrote real words (有点长 → 店长,
 * 防伪标 → 包邮) more often than they fixed a typo; a message typed in Latin letters is rarely anything
 * but pinyin.
 */
export const TYPO_MODES = ['off', 'latin', 'all'] as const
export type TypoMode = typeof TYPO_MODES[number]

/** The key with typos corrected, or undefined when nothing was corrected. */
export function correctTypos (index: TypoIndex, key: string, mode: TypoMode = 'all'): string | undefined {
  if (mode === 'off') return undefined
  const homophones = mode === 'all' ? correctHomophones(index, key) : undefined
  const latin = correctLatin(index, homophones ?? key)
  const out = latin ?? homophones
  return out !== undefined && out !== key ? out : undefined
}

/** Han characters that sound like a keyword but are not written as one: 退活 → 退货, 尺吗 → 尺码. */
export function correctHomophones (index: TypoIndex, key: string, precheck = true): string | undefined {
  let out = key
  let changed = false
  if (index.automaton && HAN_CHAR.test(key) && (!precheck || mayBeHomophone(index, key))) {
    // one token per character: pinyin-pro gives one syllable per Han character and keeps others as they are
    const chars = [...key]
    if (chars.length === key.length) {
      const syl = pinyin(key, { toneType: 'none', type: 'array', nonZh: 'spaced' }).map(fold)
      if (syl.length === chars.length) {
        const starts: number[] = []
        let text = ' '
        for (const s of syl) { starts.push(text.length); text += `${s} ` }
        const at = new Map(starts.map((offset, i) => [offset, i]))
        const fixed = [...chars]
        for (const m of index.automaton.matchInText(text)) {
          const first = at.get(m.begin + 1)
          if (first === undefined) continue
          const length = m.keyword.trim().split(' ').length
          const written = key.slice(first, first + length)
          if (!HAN.test(written) || REAL_WORDS.has(written)) continue
          const kw = index.byPinyin.get(m.keyword)!.find((k) => k.length === length && k !== written)
          if (!kw) continue
          const changedChars = [...written].filter((c, i) => c !== kw[i])
          const keptChars = [...written].filter((c, i) => c === kw[i])
          if (keptChars.every((c) => FUNCTION_CHARS.has(c))) continue
          const differing = changedChars.length
          if (differing === 0 || differing > Math.floor(length / 2)) continue
          for (let i = 0; i < length; i++) fixed[first + i] = kw[i]!
          changed = true
        }
        out = fixed.join('')
      }
    }
  }
  return changed && out !== key ? out : undefined
}

/** Every reading pinyin-pro knows for a character, folded; the same for every shop, so kept per process. */
const READINGS = new Map<string, ReadonlySet<string>>()
export function readings (c: string): ReadonlySet<string> {
  let r = READINGS.get(c)
  if (!r) READINGS.set(c, (r = new Set(pinyin(c, { toneType: 'none', type: 'array', multiple: true }).map(fold))))
  return r
}

/**
 * The homophone pass without its costly part, as a pre-check: pinyin for the whole message (pinyin-pro
 * segments it to choose among readings) was 12% of a decision with TYPOS=all, run for every message
 * nothing answered. A window can only correct if, character by character, the keyword's syllable is
 * one of the written character's readings and the other conditions hold; the reading chosen in context
 * is always one of them (checked for every Han character of the fixtures, test/matching/typos.test.ts),
 * so when no window passes, the full pass would correct nothing. On messages.jsonl 2 of the 109
 * messages that reach the typo pass get past this.
 */
function mayBeHomophone (index: TypoIndex, key: string): boolean {
  for (let j = 0; j + 1 < key.length; j++) {
    if (!HAN_CHAR.test(key[j]!)) continue
    for (const first of readings(key[j]!)) {
      for (const { keyword, syllables: syl } of index.byFirstSyllable.get(first) ?? []) {
        if (j + syl.length > key.length) continue
        // the cheap tests first: how many characters differ, then how they sound
        let differing = 0
        for (let i = 0; i < syl.length; i++) if (key[j + i] !== keyword[i]) differing++
        if (differing === 0 || differing > Math.floor(syl.length / 2)) continue
        let sounds = true
        for (let i = 1; i < syl.length && sounds; i++) sounds = readings(key[j + i]!).has(syl[i]!)
        if (!sounds) continue
        const written = key.slice(j, j + syl.length)
        if (!HAN.test(written) || REAL_WORDS.has(written)) continue
        const kept = [...written].filter((c, i) => c === keyword[i])
        if (kept.every((c) => FUNCTION_CHARS.has(c))) continue
        return true
      }
    }
  }
  return false
}

// the particles the clause reading looks for (了吗, 没有, 呢), typed in pinyin
const PINYIN_PARTICLES: ReadonlyMap<string, string> = new Map([['le', '了'], ['ma', '吗'], ['mei', '没'], ['meiyou', '没有'], ['ne', '呢'], ['lema', '了吗'], ['mo', '么']])

/** Pinyin typed in Latin letters (baoyou, tui huo) and one-letter slips in long Latin keywords (shunfen). */
export function correctLatin (index: TypoIndex, key: string): string | undefined {
  if (!HAS_LATIN.test(key)) return undefined
  let changed = false
  const out = key.replace(LATIN_PHRASE, (phrase) => {
    const words = phrase.split(' ')
    const parts: string[] = []
    for (let i = 0; i < words.length;) {
      // pinyin may be typed as one run (baoyou) or syllable by syllable (bao you): longest span first
      let taken = 0
      for (let n = Math.min(MAX_PINYIN_WORDS, words.length - i); n >= 1 && taken === 0; n--) {
        const han = index.byLatinPinyin.get(foldRun(words.slice(i, i + n).join('')))
        if (han) { parts.push(han); taken = n }
      }
      if (taken > 0) { changed = true; i += taken; continue }
      const word = words[i++]!
      const near = word.length >= 5
        ? index.latin.find((k) => k !== word && Math.abs(k.length - word.length) <= 1 && distances.DamerauLevenshteinDistance(k, word) <= 1)
        : undefined
      if (near) changed = true
      parts.push(near ?? word)
    }
    // beside a keyword typed in pinyin, its particles are pinyin too: "fa huo le ma" chases (发货了吗)
    if (parts.some((p) => !/^[a-z0-9]/.test(p))) for (let j = 0; j < parts.length; j++) parts[j] = PINYIN_PARTICLES.get(parts[j]!) ?? parts[j]!
    // rejoin: a space survives only between two Latin words, as normalisation writes it
    return parts.reduce((acc, p) => (acc !== '' && /[a-z0-9]$/.test(acc) && /^[a-z0-9]/.test(p) ? `${acc} ${p}` : acc + p), '')
  })
  return changed && out !== key ? out : undefined
}
