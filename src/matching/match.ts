/**
 * Finds what a message asks: one pass of the keyword automaton and one of the regex set over the
 * normalised text, then per rule the hits, vetoes and specificity. Pure: no I/O, no randomness.
 */
import type { KeywordMatch } from './automaton.js'
import type { CompiledShop, Entry, Role } from './compile.js'
import { extractMeasurements, type Measurements } from './measurements.js'
import type { MarkerHit } from './reading.js'
import type { RE2JS } from 're2js'

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
  notHit: ReadonlySet<number>
  /** the clause reading's markers found in the same pass */
  markers: MarkerHit[]
  /** the buyer's height and weight in the message, read once */
  figures: Measurements
}

export interface Hit { keyword: string; begin: number; end: number; roles: readonly Role[] }
export interface RegexHit { text: string; begin: number }

const DIGIT = /[0-9]/
const NO_PRICES: ReadonlySet<string> = new Set()
const NO_REGEX_HITS: ReadonlyMap<number, RegexHit[]> = new Map()
const NO_NOT_HITS: ReadonlySet<number> = new Set()
// figures need a digit or a Chinese numeral; most messages have neither and skip the figure reader
const DIGIT_OR_NUMERAL = /[0-9一二两三四五六七八九十百]/
// ...and every pattern of the reader (src/matching/measurements.ts) needs a digit or one of these: a unit
// (米 m cm 厘米 公分 斤 公斤 kg 千克), a word for height or weight (高 个子 个头 重), 一百… or a height
// read digit by digit (一六五). 一 alone (一下, 一起) is in a third of the messages and reads nothing.
const FIGURE_HINT = /[0-9米百高斤重克m]|kg|公分|个子|个头|一[三四五六七八九]/
/** 1 for an ASCII digit, 2 for a lower-case Latin letter (the key is lower case), 0 otherwise or off the end. */
function charClass (key: string, at: number): number {
  const c = key.charCodeAt(at) // NaN off either end
  if (c >= 48 && c <= 57) return 1
  if (c >= 97 && c <= 122) return 2
  return 0
}

/**
 * A keyword that starts or ends with a digit or Latin letter must not be glued to more of the same:
 * 999 is not in 9999, hi is not in shipping, s码 is not in xs码. (Character codes rather than
 * regexes: this runs for every automaton hit, markers included.)
 */
function atBoundary (key: string, begin: number, end: number): boolean {
  const first = charClass(key, begin)
  const last = charClass(key, end - 1)
  return (first === 0 || first !== charClass(key, begin - 1)) && (last === 0 || last !== charClass(key, end))
}

// Numbers in a price or coupon context are never item codes: 999-300, 满999, 999元, 减50.
const PRICE_CONTEXT = /(?:[满减¥￥$]\s*)(\d+)|(\d+)\s*(?:[-—~～减元块]|rmb|券)/g
function priceNumbers (canonical: string): ReadonlySet<string> {
  // most messages have no digit: they share one empty set (read only, as every reader takes it)
  if (!DIGIT.test(canonical)) return NO_PRICES
  const out = new Set<string>()
  // exec on the one global pattern: matchAll copies the RegExp and makes an iterator on every call
  PRICE_CONTEXT.lastIndex = 0
  for (let m = PRICE_CONTEXT.exec(canonical); m; m = PRICE_CONTEXT.exec(canonical)) out.add((m[1] ?? m[2])!)
  return out
}

/** Characters left after removing the named item: "999呢" is about 999, a long sentence may not be. */
const SHORT_REST = 4
const REGEX_SPECIFICITY = 3

/**
 * What a message asks, in five steps: the keyword and regex hits, the keywords that a longer hit
 * shadows dropped, each hit's roles assigned to the entries and handoff settings they belong to, the
 * figures read once, and the entries that fired built into candidates.
 */
export function analyse (shop: CompiledShop, text: { key: string; canonical: string }, figures: Measurements = readFigures(text.canonical)): Analysis {
  const { key, canonical } = text
  const regexHits = collectRegexHits(shop, key)
  const hits = dropShadowed(collectHits(shop, key), regexHits)
  const prices = priceNumbers(canonical)
  const roles = assignRoles(hits, prices)
  const fired = buildCandidates(shop, key, roles.slots, regexHits, figures, prices)
  return { key, canonical, escalate: roles.escalate, human: roles.human, ...fired, markers: roles.markers, figures }
}

/**
 * Every keyword of the shop's automaton and of the built-in words' automaton in the key, at a word
 * boundary, with the roles it plays: in the order one automaton over both would give (by where the
 * hit ends, the longer first where two end together), so nothing downstream can tell them apart.
 */
export function collectHits (shop: CompiledShop, key: string): Hit[] {
  const hits: Hit[] = []
  const own = shop.automaton.matchInText(key)
  const builtin = shop.builtin
  const theirs = builtin ? builtin.automaton.matchInText(key) : NO_MATCHES
  const skip = shop.builtinSkip
  let i = 0
  let j = 0
  while (i < own.length || j < theirs.length) {
    const a = own[i]
    const b = theirs[j]
    if (b && skip.has(b.keyword)) { j++; continue }
    // same end and length would be the same word, which `skip` holds: the shop's wins
    const ours = a !== undefined && (!b || a.end < b.end || (a.end === b.end && a.begin <= b.begin))
    const m = ours ? a : b!
    if (ours) i++
    else j++
    if (atBoundary(key, m.begin, m.end)) hits.push({ keyword: m.keyword, begin: m.begin, end: m.end, roles: (ours ? shop.roles : builtin!.roles).get(m.keyword) ?? [] })
  }
  return hits
}
const NO_MATCHES: readonly KeywordMatch[] = []

/** Regexes: one pass of the set, then positions only for the few that matched; by entry index. */
export function collectRegexHits (shop: CompiledShop, key: string): ReadonlyMap<number, RegexHit[]> {
  if (!shop.regexSet) return NO_REGEX_HITS
  const matched = shop.regexSet.match(key)
  // most messages match no regex: they share one empty map (read only, as every reader takes it)
  if (matched.length === 0) return NO_REGEX_HITS
  const regexHits = new Map<number, RegexHit[]>()
  for (const i of matched) {
    const owner = shop.regexOwners[i]!
    const m = owner.pattern.matcher(key)
    if (!m.find()) continue
    const list = regexHits.get(owner.entry) ?? []
    list.push({ text: m.group() ?? '', begin: m.start() })
    regexHits.set(owner.entry, list)
  }
  return regexHits
}

/**
 * Longest match wins: a positive hit inside a longer positive hit is not a question of its own
 * (运费 inside 运费险, 退货 inside 退货运费), nor inside a longer regex match ("换的话邮费" is about
 * return postage, not free shipping). A shadowed hit loses its keyword and item roles; its other roles
 * (not, all, tone, marker, handoff) still count.
 */
export function dropShadowed (hits: Hit[], regexHits: ReadonlyMap<number, RegexHit[]>): Hit[] {
  const positive = hits.filter((h) => h.roles.some(isPositive))
  // a hit is shadowed only by another span: with one span or none there is nothing to do (most messages)
  if (positive.length === 0 || (positive.length === 1 && regexHits.size === 0)) return hits
  const spans: Array<{ begin: number; end: number }> = [...positive]
  for (const list of regexHits.values()) for (const r of list) spans.push({ begin: r.begin, end: r.begin + r.text.length })
  const shadowed = new Set<Hit>()
  for (const h of positive) {
    for (const o of spans) {
      if (o !== h && o.end - o.begin > h.end - h.begin && o.begin <= h.begin && o.end >= h.end) { shadowed.add(h); break }
    }
  }
  if (shadowed.size === 0) return hits
  return hits.map((h) => (shadowed.has(h) ? { ...h, roles: h.roles.filter((r) => r.role !== 'kw' && r.role !== 'item') } : h))
}

export interface Assigned {
  /** per entry index, what its keywords hit; in the order the entries were first hit */
  slots: Map<number, Slot>
  /** complaint keywords, those inside a negation ("不会给差评") left out; each once */
  escalate: string[]
  /** requests for a human, each once */
  human: string[]
  markers: MarkerHit[]
}

/** Hands each hit's roles to the entry, handoff setting or clause marker it belongs to. */
export function assignRoles (hits: readonly Hit[], prices: ReadonlySet<string>): Assigned {
  const escalate: string[] = []
  const escalateNot: Array<{ begin: number; end: number }> = []
  const human: string[] = []
  const markers: MarkerHit[] = []
  const slots = new Map<number, Slot>()
  for (const h of hits) {
    for (const r of h.roles) {
      switch (r.role) {
        case 'escalate': escalate.push(h.keyword); break
        case 'escalate_not': escalateNot.push(h); break
        case 'human': human.push(h.keyword); break
        case 'not': slotOf(slots, r.entry).nots.push(h.keyword); break
        case 'kw': { const sl = slotOf(slots, r.entry); (r.weak ? sl.weak : sl.kws).push(h); break }
        case 'all': {
          const sl = slotOf(slots, r.entry)
          if (sl.groups === NO_GROUPS) sl.groups = new Map()
          sl.groups.set(r.group, Math.max(sl.groups.get(r.group) ?? 0, h.end - h.begin))
          break
        }
        case 'item':
          if (!(DIGIT.test(h.keyword) && prices.has(h.keyword))) {
            const sl = slotOf(slots, r.entry)
            if (sl.items === NO_ITEMS) sl.items = new Map()
            sl.items.set(r.item, h)
          }
          break
        case 'tone': {
          const sl = slotOf(slots, r.entry)
          if (sl.tones === NO_TONES) sl.tones = new Set()
          sl.tones.add(r.tone)
          break
        }
        case 'marker': markers.push({ kind: r.kind, keyword: h.keyword, begin: h.begin, end: h.end }); break
      }
    }
  }
  // "不会给差评" contains 差评: a negated complaint word is not a complaint.
  const realEscalate = escalate.filter((kw) => !hits.some((h) => h.keyword === kw && escalateNot.some((n) => n.begin <= h.begin && n.end >= h.end)))
  return { slots, escalate: unique(realEscalate), human: unique(human), markers }
}

function slotOf (slots: Map<number, Slot>, i: number): Slot {
  let s = slots.get(i)
  if (!s) { s = emptySlot(); slots.set(i, s) }
  return s
}

/**
 * The buyer's height and weight, read once per message (the size charts, the answer to the bot's own
 * size question and the recommendation all use this one reading). Most messages have neither a digit
 * nor a Chinese numeral and skip the reader.
 */
export function readFigures (canonical: string): Measurements {
  return DIGIT_OR_NUMERAL.test(canonical) && FIGURE_HINT.test(canonical) ? extractMeasurements(canonical) : {}
}

export interface Fired {
  candidates: Candidate[]
  vetoed: Veto[]
  incomplete: Array<{ entry: Entry; missingGroup: number }>
  notHit: ReadonlySet<number>
}

/**
 * The entries that fired, with what fired them, where and how specifically; those a `not` keyword
 * or a missing `all` group stopped are kept apart for explanations.
 */
export function buildCandidates (
  shop: CompiledShop, key: string, slots: ReadonlyMap<number, Slot>, regexHits: ReadonlyMap<number, RegexHit[]>,
  figures: Measurements, prices: ReadonlySet<string>
): Fired {
  // A height and a weight together are a size question in a clothes shop even with no keyword
  // ("163 98斤", "1.68m 52kg"): every size chart fires, and its `not` and `all` still apply.
  const byFigures = figures.heightCm !== undefined && figures.weightJin !== undefined ? `${figures.heightCm}cm ${figures.weightJin}斤` : undefined
  const sized = byFigures !== undefined ? new Set(shop.sizeEntries) : undefined
  const candidates: Candidate[] = []
  const vetoed: Veto[] = []
  const incomplete: Fired['incomplete'] = []
  // catalogs with a code pattern are always looked at: "888有吗" names no keyword and no item
  const touched = new Set<number>(slots.keys())
  if (sized) for (const i of sized) touched.add(i)
  for (const i of regexHits.keys()) touched.add(i)
  for (const i of shop.codePatterns.keys()) touched.add(i)
  for (const index of touched) {
    const entry = shop.entries[index]!
    const rx = regexHits.get(index) ?? []
    const figured = sized?.has(index) === true
    const s = withWeak(slots.get(index) ?? NO_HITS, rx, figured)
    const fired = s.kws.length > 0 || rx.length > 0 || figured || entry.kind === 'catalog'
    if (!fired) continue
    let catalog: Candidate['catalog']
    if (entry.kind === 'catalog') {
      catalog = catalogMode(shop, index, key, s.kws.length + rx.length > 0, s.items, s.tones, prices)
      if (!catalog) continue
    }
    if (s.nots.length > 0) { vetoed.push({ entry, by: s.nots[0]! }); continue }
    const missing = firstMissingGroup(entry.allGroups, s.groups)
    if (missing !== undefined) { incomplete.push({ entry, missingGroup: missing }); continue }
    candidates.push(candidateOf(entry, s, rx, figured && s.kws.length + rx.length === 0 ? byFigures : undefined, catalog))
  }
  let notHit: Set<number> | undefined
  for (const [i, s] of slots) if (s.nots.length > 0) (notHit ??= new Set()).add(i)
  // no `not` keyword hit (most messages): one shared empty set, only ever read
  return { candidates, vetoed, incomplete, notHit: notHit ?? NO_NOT_HITS }
}

function candidateOf (entry: Entry, s: Slot, rx: RegexHit[], byFigures: string | undefined, catalog: Candidate['catalog']): Candidate {
  // one loop per kind of hit instead of spread arrays: this runs for every entry that fired
  const keywords = new Set<string>()
  const spans: Array<[number, number]> = []
  let position = Infinity
  let longest = -Infinity
  for (const h of s.kws) {
    keywords.add(h.keyword)
    spans.push([h.begin, h.end])
    position = Math.min(position, h.begin)
    longest = Math.max(longest, h.end - h.begin)
  }
  for (const r of rx) {
    keywords.add(r.text)
    spans.push([r.begin, r.begin + r.text.length])
    position = Math.min(position, r.begin)
    // a regex counts like a short keyword: a greedy pattern's long match says little about specificity
    longest = Math.max(longest, Math.min(r.text.length, REGEX_SPECIFICITY))
  }
  if (byFigures !== undefined) keywords.add(byFigures)
  for (const h of s.items.values()) {
    spans.push([h.begin, h.end])
    position = Math.min(position, h.begin)
    longest = Math.max(longest, h.end - h.begin)
  }
  // every `all` group it needed adds to how specific the match is (七天 + 无理由 beats 无理由)
  let groupLength = 0
  for (const g of s.groups.values()) groupLength += g
  const candidate: Candidate = {
    entry,
    keywords: [...keywords],
    spans,
    position: spans.length > 0 ? position : 0,
    specificity: (spans.length > 0 ? longest : 0) + groupLength,
    method: s.kws.length > 0 ? 'keyword' : rx.length > 0 ? 'regex' : byFigures !== undefined ? 'figures' : 'catalog'
  }
  if (catalog) {
    candidate.catalog = catalog
    for (const h of s.items.values()) candidate.keywords.push(h.keyword)
    candidate.keywords.push(...catalog.codes)
  }
  return candidate
}

function isPositive (r: Role): boolean {
  return r.role === 'kw' || r.role === 'item' || r.role === 'human' || r.role === 'escalate'
}

/** What one entry's keywords hit in a message. */
export interface Slot { kws: Hit[]; weak: Hit[]; nots: string[]; groups: Map<number, number>; items: Map<number, Hit>; tones: Set<string> }
// A slot's groups, items and tones start as these shared empty ones and get their own on the first
// write (assignRoles): most slots have none, and three empty collections per slot per message were
// a good share of what analysing one allocated. Nothing writes to these three.
const NO_GROUPS: Map<number, number> = new Map()
const NO_ITEMS: Map<number, Hit> = new Map()
const NO_TONES: Set<string> = new Set()
const emptySlot = (): Slot => ({ kws: [], weak: [], nots: [], groups: NO_GROUPS, items: NO_ITEMS, tones: NO_TONES })
/** each once, in first-seen order (no Set for the usual none or one) */
const unique = (xs: string[]): string[] => (xs.length < 2 ? xs : [...new Set(xs)])
/** The slot of an entry nothing hit (only read) */
const NO_HITS: Slot = emptySlot()

/** A weak keyword counts only beside another sign of its entry ("999是什么颜色", not "这个包什么颜色"). */
function withWeak (s: Slot, rx: readonly RegexHit[], figured: boolean): Slot {
  if (s.weak.length === 0) return s
  const sign = s.kws.length > 0 || rx.length > 0 || figured || s.items.size > 0 || s.tones.size > 0
  return sign ? { ...s, kws: [...s.kws, ...s.weak].sort((a, b) => a.begin - b.begin) } : s
}

function firstMissingGroup (groups: number, hit: Map<number, number>): number | undefined {
  for (let g = 0; g < groups; g++) if (!hit.has(g)) return g
  return undefined
}

const NUMBER_TOKEN = /\d+/g
const BARE_NUMBER = /^\d+$/
// Without a catalog keyword, a bare code is a question about an item only when it is nearly the
// whole message: "888有吗", "888呢", "#888号". "165 110斤" is figures, "3件" a quantity.
const CODE_QUESTION = /^(?:有没有|请问|有)?#?\d{2,5}(?:号|色|号色)?(?:有吗|有没有|还有吗|呢|吗|怎么样|咋样|好看吗|如何)?$/

// A catalog's code pattern asked of each number in a message: RE2 took a size question's 165 and 110
// through its engine every time (4% of answering one). Kept per pattern; bounded, as messages are.
const CODE_VERDICTS = new WeakMap<RE2JS, Map<string, boolean>>()
const CODE_VERDICTS_MAX = 1024
function codeMatches (pattern: RE2JS, code: string): boolean {
  let seen = CODE_VERDICTS.get(pattern)
  if (!seen) CODE_VERDICTS.set(pattern, (seen = new Map()))
  let v = seen.get(code)
  if (v === undefined) {
    v = pattern.matches(code)
    if (seen.size >= CODE_VERDICTS_MAX) seen.clear()
    seen.set(code, v)
  }
  return v
}

function catalogMode (
  shop: CompiledShop, index: number, key: string, keyword: boolean,
  items: Map<number, Hit>, tones: Set<string>, prices: ReadonlySet<string>
): Candidate['catalog'] | undefined {
  // a catalog with a code pattern is looked at for every message; without an item, a keyword or a
  // digit (a code) there is nothing to answer
  if (items.size === 0 && !keyword && !DIGIT.test(key)) return undefined
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
    NUMBER_TOKEN.lastIndex = 0
    for (let m = NUMBER_TOKEN.exec(key); m; m = NUMBER_TOKEN.exec(key)) {
      const code = m[0]
      if (names.has(code) || prices.has(code)) continue
      if (codeMatches(pattern, code)) codes.push(code)
    }
    // a number alone ("165") is more likely a height or an order detail than a shade we lack
    if (codes.length > 0 && (keyword || (CODE_QUESTION.test(key) && !BARE_NUMBER.test(key)))) return { mode: 'unknown', items: [], tones: [...tones], codes }
  }
  if (!keyword) return undefined
  if (tones.size > 0) return { mode: 'suits', items: [], tones: [...tones], codes: [] }
  return { mode: 'list', items: [], tones: [], codes: [] }
}
