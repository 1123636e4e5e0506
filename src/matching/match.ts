/**
 * Finds what a message asks: one pass of the keyword automaton and one of the regex set over the
 * normalised text, then per rule the hits, vetoes and specificity. Pure: no I/O, no randomness.
 */
import type { CompiledShop, Entry, Role } from './compile.js'
import { extractMeasurements } from './measurements.js'
import type { MarkerHit } from './reading.js'

/** How an answer was found (the response's `matched[].method`). */
export const METHODS = ['keyword', 'regex', 'figures', 'catalog', 'context', 'classifier', 'pinyin'] as const
export type Method = typeof METHODS[number]

export interface Candidate {
  entry: Entry
  /** normalised keywords (or regex matches) that fired it */
  keywords: string[]
  /** where in the message it was asked: earlier questions are answered first */
  position: number
  /** the key spans of what fired it (keywords, regex matches, items): which clauses it was asked in */
  spans: Array<[number, number]>
  /** longest hit: a longer, more specific hit beats a shorter one (退货运费 beats 退货) */
  specificity: number
  method: Method
  /** catalogs: which items / tones / unknown codes were named, and how to answer */
  catalog?: { mode: 'items' | 'suits' | 'unknown' | 'list'; items: number[]; tones: string[]; codes: string[] }
}

export interface Veto { entry: Entry; by: string }

export interface Analysis {
  key: string
  /** the key after typo correction, when the answer came from it */
  correctedKey?: string
  canonical: string
  escalate: string[]
  human: string[]
  /** entries that fired, unordered */
  candidates: Candidate[]
  /** entries a `not` keyword (or a missing `all` group) stopped, for explanations */
  vetoed: Veto[]
  incomplete: Array<{ entry: Entry; missingGroup: number }>
  /** entries one of whose `not` keywords is in the message, fired or not: no guess may answer with them */
  notHit: Set<number>
  /** the clause reading's markers found in the same pass */
  markers: MarkerHit[]
}

interface Hit { keyword: string; begin: number; end: number; roles: Role[] }

const DIGIT = /[0-9]/
// figures need a digit or a Chinese numeral; most messages have neither and skip the figure reader
const DIGIT_OR_NUMERAL = /[0-9一二两三四五六七八九十百]/
const LATIN = /[a-z]/
function sameClass (a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false
  return (DIGIT.test(a) && DIGIT.test(b)) || (LATIN.test(a) && LATIN.test(b))
}

/**
 * A keyword that starts or ends with a digit or Latin letter must not be glued to more of the same:
 * 999 is not in 9999, hi is not in shipping, s码 is not in xs码.
 */
function atBoundary (key: string, begin: number, end: number): boolean {
  return !sameClass(key[begin - 1], key[begin]) && !sameClass(key[end - 1], key[end])
}

// Numbers in a price or coupon context are never item codes: 999-300, 满999, 999元, 减50.
const PRICE_CONTEXT = /(?:[满减¥￥$]\s*)(\d+)|(\d+)\s*(?:[-—~～减元块]|rmb|券)/g
function priceNumbers (canonical: string): Set<string> {
  const out = new Set<string>()
  for (const m of canonical.matchAll(PRICE_CONTEXT)) out.add((m[1] ?? m[2])!)
  return out
}

/** Characters left after removing the named item: "999呢" is about 999, a long sentence may not be. */
const SHORT_REST = 4
const REGEX_SPECIFICITY = 3

export function analyse (shop: CompiledShop, text: { key: string; canonical: string }): Analysis {
  const { key } = text
  const raw = shop.automaton.matchInText(key)
  const hits: Hit[] = []
  for (const m of raw) {
    if (!atBoundary(key, m.begin, m.end)) continue
    hits.push({ keyword: m.keyword, begin: m.begin, end: m.end, roles: shop.roles.get(m.keyword) ?? [] })
  }
  // Regexes: one pass of the set, then positions only for the few that matched.
  const regexHits = new Map<number, Array<{ text: string; begin: number }>>()
  if (shop.regexSet) {
    for (const i of shop.regexSet.match(key)) {
      const owner = shop.regexOwners[i]!
      const m = owner.pattern.matcher(key)
      if (!m.find()) continue
      const list = regexHits.get(owner.entry) ?? []
      list.push({ text: m.group() ?? '', begin: m.start() })
      regexHits.set(owner.entry, list)
    }
  }

  // Longest match wins: a positive hit inside a longer positive hit is not a question of its own
  // (运费 inside 运费险, 退货 inside 退货运费), nor inside a longer regex match ("换的话邮费" is about
  // return postage, not free shipping).
  const positive = hits.filter((h) => h.roles.some(isPositive))
  const spans: Array<{ begin: number; end: number }> = [...positive]
  for (const list of regexHits.values()) for (const r of list) spans.push({ begin: r.begin, end: r.begin + r.text.length })
  const shadowed = new Set<Hit>()
  for (const h of positive) {
    for (const o of spans) {
      if (o !== h && o.end - o.begin > h.end - h.begin && o.begin <= h.begin && o.end >= h.end) { shadowed.add(h); break }
    }
  }

  const escalate: string[] = []
  const escalateNot: Array<{ begin: number; end: number }> = []
  const human: string[] = []
  const markers: MarkerHit[] = []
  const per = new Map<number, Slot>()
  const slot = (i: number) => {
    let s = per.get(i)
    if (!s) { s = emptySlot(); per.set(i, s) }
    return s
  }
  const prices = priceNumbers(text.canonical)

  for (const h of hits) {
    const isShadowed = shadowed.has(h)
    for (const r of h.roles) {
      switch (r.role) {
        case 'escalate': escalate.push(h.keyword); break
        case 'escalate_not': escalateNot.push(h); break
        case 'human': human.push(h.keyword); break
        case 'not': slot(r.entry).nots.push(h.keyword); break
        case 'kw': if (!isShadowed) slot(r.entry).kws.push(h); break
        case 'all': {
          const g = slot(r.entry).groups
          g.set(r.group, Math.max(g.get(r.group) ?? 0, h.end - h.begin))
          break
        }
        case 'item':
          if (!isShadowed && !(DIGIT.test(h.keyword) && prices.has(h.keyword))) slot(r.entry).items.set(r.item, h)
          break
        case 'tone': slot(r.entry).tones.add(r.tone); break
        case 'marker': markers.push({ kind: r.kind, keyword: h.keyword, begin: h.begin, end: h.end }); break
      }
    }
  }
  // "不会给差评" contains 差评: a negated complaint word is not a complaint.
  const realEscalate = escalate.filter((kw) => !hits.some((h) => h.keyword === kw && escalateNot.some((n) => n.begin <= h.begin && n.end >= h.end)))

  // A height and a weight together are a size question in a clothes shop even with no keyword
  // ("163 98斤", "1.68m 52kg"): every size chart fires, and its `not` and `all` still apply.
  let figures: string | undefined
  if (shop.sizeEntries.length > 0 && DIGIT_OR_NUMERAL.test(text.canonical)) {
    const m = extractMeasurements(text.canonical)
    if (m.heightCm !== undefined && m.weightJin !== undefined) {
      figures = `${m.heightCm}cm ${m.weightJin}斤`
      for (const i of shop.sizeEntries) slot(i).figures = true
    }
  }

  const candidates: Candidate[] = []
  const vetoed: Veto[] = []
  const incomplete: Analysis['incomplete'] = []
  // catalogs with a code pattern are always looked at: "888有吗" names no keyword and no item
  const touched = new Set<number>([...per.keys(), ...regexHits.keys(), ...shop.codePatterns.keys()])
  for (const index of touched) {
    const entry = shop.entries[index]!
    const s = per.get(index) ?? emptySlot()
    const rx = regexHits.get(index) ?? []
    const fired = s.kws.length > 0 || rx.length > 0 || s.figures || entry.kind === 'catalog'
    if (!fired) continue
    let catalog: Candidate['catalog']
    if (entry.kind === 'catalog') {
      catalog = catalogMode(shop, index, key, s.kws.length + rx.length > 0, s.items, s.tones, prices)
      if (!catalog) continue
    }
    if (s.nots.length > 0) { vetoed.push({ entry, by: s.nots[0]! }); continue }
    const missing = firstMissingGroup(entry.allGroups, s.groups)
    if (missing !== undefined) { incomplete.push({ entry, missingGroup: missing }); continue }

    const keywords = [...new Set([...s.kws.map((h) => h.keyword), ...rx.map((r) => r.text), ...(s.figures && s.kws.length + rx.length === 0 ? [figures!] : [])])]
    const positions = [...s.kws.map((h) => h.begin), ...rx.map((r) => r.begin), ...[...s.items.values()].map((h) => h.begin)]
    // a regex counts like a short keyword: a greedy pattern's long match says little about specificity
    const lengths = [...s.kws.map((h) => h.end - h.begin), ...rx.map((r) => Math.min(r.text.length, REGEX_SPECIFICITY)), ...[...s.items.values()].map((h) => h.end - h.begin)]
    // every `all` group it needed adds to how specific the match is (七天 + 无理由 beats 无理由)
    const groupLength = [...s.groups.values()].reduce((a, b) => a + b, 0)
    const spans: Array<[number, number]> = [
      ...s.kws.map((h): [number, number] => [h.begin, h.end]),
      ...rx.map((r): [number, number] => [r.begin, r.begin + r.text.length]),
      ...[...s.items.values()].map((h): [number, number] => [h.begin, h.end])
    ]
    const candidate: Candidate = {
      entry,
      keywords,
      spans,
      position: positions.length > 0 ? Math.min(...positions) : 0,
      specificity: (lengths.length > 0 ? Math.max(...lengths) : 0) + groupLength,
      method: s.kws.length > 0 ? 'keyword' : rx.length > 0 ? 'regex' : s.figures ? 'figures' : 'catalog'
    }
    if (catalog) {
      candidate.catalog = catalog
      candidate.keywords.push(...[...s.items.values()].map((h) => h.keyword), ...catalog.codes)
    }
    candidates.push(candidate)
  }
  const notHit = new Set([...per].filter(([, s]) => s.nots.length > 0).map(([i]) => i))
  return { key, canonical: text.canonical, escalate: [...new Set(realEscalate)], human: [...new Set(human)], candidates, vetoed, incomplete, notHit, markers }
}

function isPositive (r: Role): boolean {
  return r.role === 'kw' || r.role === 'item' || r.role === 'human' || r.role === 'escalate'
}

interface Slot { kws: Hit[]; nots: string[]; groups: Map<number, number>; items: Map<number, Hit>; tones: Set<string>; figures?: boolean }
const emptySlot = (): Slot => ({ kws: [], nots: [], groups: new Map(), items: new Map(), tones: new Set() })

function firstMissingGroup (groups: number, hit: Map<number, number>): number | undefined {
  for (let g = 0; g < groups; g++) if (!hit.has(g)) return g
  return undefined
}

const NUMBER_TOKEN = /\d+/g
const BARE_NUMBER = /^\d+$/
// Without a catalog keyword, a bare code is a question about an item only when it is nearly the
// whole message: "888有吗", "888呢", "#888号". "165 110斤" is figures, "3件" a quantity.
const CODE_QUESTION = /^(?:有没有|请问|有)?#?\d{2,5}(?:号|色|号色)?(?:有吗|有没有|还有吗|呢|吗|怎么样|咋样|好看吗|如何)?$/

function catalogMode (
  shop: CompiledShop, index: number, key: string, keyword: boolean,
  items: Map<number, Hit>, tones: Set<string>, prices: Set<string>
): Candidate['catalog'] | undefined {
  const itemHits = [...items.entries()].sort((a, b) => a[1].begin - b[1].begin)
  const named = itemHits.reduce((n, [, h]) => n + h.end - h.begin, 0)
  const short = key.length - named <= SHORT_REST
  // A bare number is only an item when the buyer is plainly asking about it: with a catalog
  // keyword, or as nearly the whole message ("999呢"). A worded alias (正红) speaks for itself.
  const worded = itemHits.some(([, h]) => !DIGIT.test(h.keyword))
  // two items named together are being compared ("999和770有什么区别"), not counted or priced
  const compared = new Set(itemHits.map(([i]) => i)).size >= 2
  if (itemHits.length > 0 && (keyword || short || worded || compared)) {
    return { mode: 'items', items: itemHits.map(([i]) => i), tones: [...tones], codes: [] }
  }
  const pattern = shop.codePatterns.get(index)
  if (pattern) {
    const names = shop.itemKeys.get(index)!
    const codes: string[] = []
    for (const m of key.matchAll(NUMBER_TOKEN)) {
      const code = m[0]
      if (names.has(code) || prices.has(code)) continue
      if (pattern.matches(code)) codes.push(code)
    }
    // a number alone ("165") is more likely a height or an order detail than a shade we lack
    if (codes.length > 0 && (keyword || (CODE_QUESTION.test(key) && !BARE_NUMBER.test(key)))) return { mode: 'unknown', items: [], tones: [...tones], codes }
  }
  if (!keyword) return undefined
  if (tones.size > 0) return { mode: 'suits', items: [], tones: [...tones], codes: [] }
  return { mode: 'list', items: [], tones: [], codes: [] }
}
