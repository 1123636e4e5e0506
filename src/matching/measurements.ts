/**
 * Reads a buyer's height and weight from chat text, in the forms buyers use: 165cm, 165厘米, 1米65,
 * 一米六五, 1.65m, 身高165, 110斤, 110斤左右, 一百一十斤, 55kg, 五十五公斤, and two bare numbers (165 110)
 * told apart by plausible ranges. Input is canonical text (NFKC, lower case, simplified).
 *
 * Policy for figures without a unit: 130–200 is a height in cm; a weight of 70–250 is 斤 (how Chinese
 * buyers weigh themselves), 30–69 is kg. Numbers in a price or coupon context (999-300, 满199, 99元)
 * and numbers with other units (7天, 3件) are never figures.
 */
import ChineseNumber from 'chinese-numbers-converter'

export interface Measurements { heightCm?: number; weightJin?: number }

const CN = '零〇一二两三四五六七八九十百'
const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** A numeral written in digits or Chinese (一百一十, 五十五, 一百一 = 110). */
function toNumber (s: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s)
  let n = NUMERALS.get(s)
  if (n === undefined) {
    n = chineseNumeral(s)
    if (NUMERALS.size >= NUMERALS_MAX) NUMERALS.clear()
    NUMERALS.set(s, n)
  }
  return Number.isNaN(n) ? undefined : n
}
// The converter takes ~2 µs a numeral, a third of reading a message's figures, and buyers write the
// same few (一百一十, 五十五, 一米六五's 六五): each is read once. Bounded: a numeral is at most six
// characters of a 14-character alphabet, but nothing in a message is trusted to be few.
const NUMERALS = new Map<string, number>()
const NUMERALS_MAX = 4096
function chineseNumeral (s: string): number {
  try {
    const n = new ChineseNumber(s).toInteger()
    return Number.isFinite(n) ? n : NaN
  } catch {
    return NaN
  }
}

/** 一米六五 / 1米65 / 1米6 / 一米七: the part after 米 is centimetres over one metre. */
function metreForm (rest: string): number | undefined {
  const digits = /^\d+$/.test(rest) ? rest : [...rest].map((c) => CN_DIGIT[c]).join('')
  if (!/^\d{1,2}$/.test(digits)) return undefined
  return 100 + (digits.length === 1 ? Number(digits) * 10 : Number(digits))
}

const NUM = `(\\d{1,3}(?:\\.\\d)?|[${CN}]{1,6})`
const HEIGHT_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => number | undefined]> = [
  // 1米65, 一米六五, and 1m72 as typed on a phone
  [new RegExp(`(?:1|一)\\s*(?:米|m)\\s*(\\d{1,2}|[${CN}]{1,2})(?![\\d.])`, 'g'), (m) => metreForm(m[1]!)],
  [/(?<![\d.])([12]\.\d{1,2})\s*(?:m|米)(?![a-z])/g, (m) => Math.round(Number(m[1]) * 100)],
  [new RegExp(`${NUM}\\s*(?:cm|厘米|公分)`, 'g'), (m) => toNumber(m[1]!)],
  // "160的个子 100斤": the figure before the word, tried before "个子 100" reads the weight as a height
  [/(?<![\d.])(\d{3})\s*(?:的)?(?:个子|身高|个头)/g, (m) => Number(m[1])],
  // 一百六 / 一百六十五 with no unit: only heights are written this way (weights say 斤)
  [/(?<![零〇一二两三四五六七八九十百])(一百[三四五六七八九]十?[一二三四五六七八九]?)(?![零〇一二两三四五六七八九十百米斤公千])/g, (m) => toNumber(m[1]!)],
  // 一六零 / 一七二: a height read digit by digit, as some buyers type it
  [/(?<![零〇一二两三四五六七八九十百])(一[三四五六七八九][零〇一二三四五六七八九])(?![零〇一二两三四五六七八九十百米斤])/g, (m) => Number([...m[1]!].map((c) => CN_DIGIT[c]).join(''))],
  [new RegExp(`(?:身高|个子|个头|高)\\s*[:是有约大概差不多]*\\s*${NUM}`, 'g'), (m) => toNumber(m[1]!)]
]
const WEIGHT_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => number | undefined]> = [
  [new RegExp(`${NUM}\\s*(?:kg|公斤|千克)`, 'g'), (m) => mul(toNumber(m[1]!), 2)],
  [new RegExp(`${NUM}\\s*斤(半)?`, 'g'), (m) => add(toNumber(m[1]!), m[2] ? 0.5 : 0)],
  [new RegExp(`(?:体重|重)\\s*[:是有约大概差不多]*\\s*${NUM}`, 'g'), (m) => bareWeight(toNumber(m[1]!))]
]
const mul = (n: number | undefined, k: number) => (n === undefined ? undefined : n * k)
const add = (n: number | undefined, k: number) => (n === undefined ? undefined : n + k)

const HEIGHT_RANGE: [number, number] = [100, 220]
const WEIGHT_RANGE: [number, number] = [40, 400]
const inRange = (n: number | undefined, [lo, hi]: [number, number]) => n !== undefined && n >= lo && n <= hi

function bareWeight (n: number | undefined): number | undefined {
  if (n === undefined) return undefined
  if (n >= 70 && n <= 250) return n
  if (n >= 30 && n < 70) return n * 2
  return undefined
}

// Bare numbers: two or three digits standing alone, not part of a price, a coupon, a count or a date.
const BARE = /(?<![\d.\-~～减满¥￥$#])(\d{2,3})(?![\d.]|\s*[-~～减元块件天号个折%]|\s*(?:rmb|cm|kg|m|斤|米|公斤|厘米|块钱|小时|分钟))/g

export function extractMeasurements (text: string): Measurements {
  const left = { rest: text }
  let heightCm = take(left, HEIGHT_PATTERNS, HEIGHT_RANGE)
  let weightJin = take(left, WEIGHT_PATTERNS, WEIGHT_RANGE)
  if (heightCm === undefined || weightJin === undefined) {
    // exec on the one global pattern: matchAll copies the RegExp and makes an iterator on every call
    BARE.lastIndex = 0
    for (let m = BARE.exec(left.rest); m; m = BARE.exec(left.rest)) {
      const n = Number(m[1])
      if (heightCm === undefined && n >= 130 && n <= 200) { heightCm = n; continue }
      if (weightJin === undefined) weightJin = bareWeight(n)
    }
  }
  // built with only what was read, rather than emptied with `delete` (which turns the object, read
  // again by every size chart, into a slow dictionary)
  const out: Measurements = {}
  if (heightCm !== undefined) out.heightCm = heightCm
  if (weightJin !== undefined) out.weightJin = weightJin
  return out
}

/** The first figure in range that a pattern reads, blanked out of `left.rest` so the next reading cannot take it again. */
function take (left: { rest: string }, patterns: typeof HEIGHT_PATTERNS, range: [number, number]): number | undefined {
  for (const [re, read] of patterns) {
    re.lastIndex = 0
    for (let m = re.exec(left.rest); m; m = re.exec(left.rest)) {
      const v = read(m)
      if (inRange(v, range)) {
        left.rest = left.rest.slice(0, m.index) + ' '.repeat(m[0].length) + left.rest.slice(m.index + m[0].length)
        return v
      }
    }
  }
  return undefined
}

export function hasMeasurements (text: string): boolean {
  const m = extractMeasurements(text)
  return m.heightCm !== undefined || m.weightJin !== undefined
}
