/**
 * Compiles a shop's rules into one keyword automaton (Aho–Corasick) and one regex set (RE2, linear
 * time), so the cost of matching a message depends on the message, not on the number of rules.
 */
import { AhoCorasick } from '@monyone/aho-corasick'
import { RE2JS, RE2Set } from 're2js'
import type { Catalog, CatalogItem, Rule, ShopRules, SizeChart, Located } from '../rules/schema.js'
import { matchKey } from './normalise.js'
import { COMPLAINT_LEXICON, COMPLAINT_LEXICON_NOT } from './lexicon.js'
import { buildTypoIndex, type TypoIndex } from './typos.js'
import { DEFAULT_MARKERS, MARKER_KINDS, type MarkerKind } from './markers.js'

export type EntryKind = 'rule' | 'size' | 'catalog'

export interface Entry {
  kind: EntryKind
  index: number
  id: string
  intent: string
  priority: number
  allGroups: number
  /** `question`: answers only a clause that asks how things work; `any`: wherever its keyword is */
  answers: 'question' | 'any'
  source: (Rule | SizeChart | Catalog) & Located
}

/** What a keyword means where it occurs. One keyword may play several roles. */
export type Role =
  | { role: 'kw'; entry: number; weak?: true }
  | { role: 'not'; entry: number }
  | { role: 'all'; entry: number; group: number }
  | { role: 'item'; entry: number; item: number }
  | { role: 'tone'; entry: number; tone: string }
  | { role: 'human' }
  | { role: 'escalate' }
  | { role: 'escalate_not' }
  | { role: 'marker'; kind: MarkerKind }

export interface CompiledShop {
  shop: ShopRules
  entries: Entry[]
  roles: Map<string, Role[]>
  automaton: AhoCorasick
  regexSet: RE2Set | undefined
  /** regexSet pattern index → entry index and compiled pattern (for positions) */
  regexOwners: Array<{ entry: number; pattern: RE2JS }>
  /** per catalog entry index: what its item codes look like */
  codePatterns: Map<number, RE2JS>
  /** per catalog entry index: normalised item names, for unknown-code detection */
  itemKeys: Map<number, Set<string>>
  /** homophone and Latin typo correction towards the keywords that answer or hand off */
  typos: TypoIndex
  /** size chart entry indices: figures alone fire them */
  sizeEntries: number[]
  /** the reading's action words (发, 退, 改…), looked up right after a request lead, not in the automaton */
  requestActs: string[]
}

const CORRECTABLE = new Set<Role['role']>(['kw', 'all', 'item', 'human', 'escalate'])

export function compileShop (shop: ShopRules): CompiledShop {
  const entries: Entry[] = []
  const roles = new Map<string, Role[]>()
  const add = (raw: string, role: Role): void => {
    const key = matchKey(raw)
    if (key === '') return
    const list = roles.get(key)
    if (list) list.push(role)
    else roles.set(key, [role])
  }
  const regexSet = new RE2Set()
  const regexOwners: CompiledShop['regexOwners'] = []
  const codePatterns = new Map<number, RE2JS>()
  const itemKeys = new Map<number, Set<string>>()

  const addEntry = (kind: EntryKind, src: (Rule | SizeChart | Catalog) & Located): number => {
    const index = entries.length
    const answers = src.answers ?? (src.intent === 'greeting' ? 'any' : 'question')
    entries.push({ kind, index, id: src.id, intent: src.intent, priority: src.priority, allGroups: src.all.length, answers, source: src })
    for (const k of src.keywords) add(k, { role: 'kw', entry: index })
    for (const k of src.weak_keywords) add(k, { role: 'kw', entry: index, weak: true })
    for (const k of src.not) add(k, { role: 'not', entry: index })
    src.all.forEach((group, g) => { for (const k of group) add(k, { role: 'all', entry: index, group: g }) })
    for (const p of src.regex) {
      regexSet.add(p)
      regexOwners.push({ entry: index, pattern: RE2JS.compile(p) })
    }
    return index
  }

  for (const r of shop.rules) addEntry('rule', r)
  for (const c of shop.sizeCharts) addEntry('size', c)
  for (const c of shop.catalogs) {
    const index = addEntry('catalog', c)
    const names = new Set<string>()
    c.items.forEach((item: CatalogItem, i: number) => {
      for (const k of [item.name, ...item.aliases]) add(k, { role: 'item', entry: index, item: i })
      names.add(matchKey(item.name))
      for (const tone of item.suits) add(tone, { role: 'tone', entry: index, tone })
    })
    itemKeys.set(index, names)
    if (c.code_regex) codePatterns.set(index, RE2JS.compile(c.code_regex))
  }

  for (const k of shop.handoff.human_keywords) add(k, { role: 'human' })
  for (const k of shop.handoff.escalate.keywords) add(k, { role: 'escalate' })
  for (const k of shop.handoff.escalate.not) add(k, { role: 'escalate_not' })
  if (shop.handoff.escalate.builtin_lexicon) {
    for (const k of COMPLAINT_LEXICON) add(k, { role: 'escalate' })
    for (const k of COMPLAINT_LEXICON_NOT) add(k, { role: 'escalate_not' })
  }

  // The clause reading's markers ride in the same automaton: one pass finds keywords and markers.
  const reading = shop.reading
  // A topic the shop has rules for is not "something else" there: shop B answers invoices, so 发票
  // is no other-topic word for it.
  const keywordKeys = entries.flatMap((e) => [...e.source.keywords, ...e.source.weak_keywords].map((k) => matchKey(String(k))))
  const ownTopic = (marker: string): boolean => { const m = matchKey(marker); return keywordKeys.some((k) => k.includes(m)) }
  const requestActs = new Set<string>()
  for (const kind of MARKER_KINDS) {
    if (kind === 'request_act') {
      // single characters that are in nearly every message: looked up only after a lead word
      for (const k of [...(reading?.builtin !== false ? DEFAULT_MARKERS[kind] : []), ...(reading?.[kind] ?? [])]) if (matchKey(k) !== '') requestActs.add(matchKey(k))
      continue
    }
    if (reading?.builtin !== false) {
      for (const k of DEFAULT_MARKERS[kind]) if (kind !== 'other_topic' || !ownTopic(k)) add(k, { role: 'marker', kind })
    }
    for (const k of reading?.[kind] ?? []) add(k, { role: 'marker', kind })
  }

  if (regexOwners.length > 0) regexSet.compile()
  return {
    shop,
    entries,
    roles,
    automaton: new AhoCorasick([...roles.keys()]),
    regexSet: regexOwners.length > 0 ? regexSet : undefined,
    regexOwners,
    codePatterns,
    itemKeys,
    sizeEntries: entries.filter((e) => e.kind === 'size').map((e) => e.index),
    requestActs: [...requestActs],
    typos: buildTypoIndex([...roles].filter(([, rs]) => rs.some((r) => CORRECTABLE.has(r.role))).map(([k]) => k))
  }
}
