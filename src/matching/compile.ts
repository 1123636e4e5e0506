/**
 * Compiles a shop's rules into one keyword automaton (Aho–Corasick) and one regex set (RE2, linear
 * time), so the cost of matching a message depends on the message, not on the number of rules.
 */
import { KeywordAutomaton } from './automaton.js'
import { RE2JS, RE2Set } from 're2js'
import type { Catalog, CatalogItem, Rule, ShopRules, SizeChart, Located } from '../rules/schema.js'
import { matchKey } from './normalise.js'
import { COMPLAINT_LEXICON, COMPLAINT_LEXICON_NOT } from './lexicon.js'
import { buildTypoIndex, type TypoIndex } from './typos.js'
import { DEFAULT_MARKERS, MARKER_KINDS, type MarkerKind } from './markers.js'
import { Interned, contentOf, digestOf, memo } from './shared.js'

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
  /** the parts shared with shops of the same texts: holding it keeps them shared (see compileShop) */
  core: CompiledCore
  /** the shop's own words (and built-in ones whose roles differ here), with what they mean */
  roles: Map<string, Role[]>
  automaton: KeywordAutomaton
  /**
   * the built-in marker and complaint words, one automaton shared by every shop with the same
   * switches (~0.9 MB each before); a hit of one of `builtinSkip` is the shop's own automaton's to
   * report (the shop also uses the word, or drops it), so it is not reported twice
   */
  builtin: BuiltinWords | undefined
  builtinSkip: ReadonlySet<string>
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

// Shared between shops (src/matching/shared.ts): rule words normalised once per process, and the
// automata, typo indexes and regexes of shops that have the same ones built once.
export const ruleKey = memo(matchKey)
const automata = new Interned<KeywordAutomaton>()
const typoIndexes = new Interned<TypoIndex>()
const patterns = new Interned<RE2JS>()
const regexSets = new Interned<RE2Set>()
const pattern = (p: string): RE2JS => patterns.get(p, () => RE2JS.compile(p))

/** The built-in words of the clause reading and the complaint lexicon, in an automaton of their own. */
export interface BuiltinWords {
  automaton: KeywordAutomaton
  roles: ReadonlyMap<string, readonly Role[]>
}

const builtins = new Interned<BuiltinWords>()

/** A word's role, under its normalised key (a word that normalises to nothing plays none). */
function addRole (roles: Map<string, Role[]>, raw: string, role: Role): void {
  const key = ruleKey(raw)
  if (key === '') return
  const list = roles.get(key)
  if (list) list.push(role)
  else roles.set(key, [role])
}

/**
 * The built-in words as a shop with these switches would add them, in the same order (complaints,
 * then the markers kind by kind): the roles of a word only built-ins use are exactly what that shop's
 * own automaton would have held. Built once per process per switch pair, shared by every shop.
 */
function builtinWords (markers: boolean, lexicon: boolean): BuiltinWords | undefined {
  if (!markers && !lexicon) return undefined
  return builtins.get(`${markers ? 'm' : ''}${lexicon ? 'l' : ''}`, () => {
    const roles = new Map<string, Role[]>()
    const add = (raw: string, role: Role): void => addRole(roles, raw, role)
    if (lexicon) {
      for (const k of COMPLAINT_LEXICON) add(k, ESCALATE)
      for (const k of COMPLAINT_LEXICON_NOT) add(k, ESCALATE_NOT)
    }
    if (markers) {
      for (const kind of MARKER_KINDS) {
        if (kind === 'request_act') continue
        for (const k of DEFAULT_MARKERS[kind]) add(k, { role: 'marker', kind })
      }
    }
    return { automaton: new KeywordAutomaton([...roles.keys()]), roles }
  })
}

const ESCALATE: Role = { role: 'escalate' }
const ESCALATE_NOT: Role = { role: 'escalate_not' }

function sameRoles (a: readonly Role[], b: readonly Role[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x.role !== y.role || (x.role === 'marker' && x.kind !== (y as typeof x).kind)) return false
  }
  return true
}

/** What a compiled shop shares with every shop read from the same texts (all of it but the entries). */
export type CompiledCore = Omit<CompiledShop, 'shop' | 'entries' | 'core'>

// Shops read from the same texts (a template copied to many folders) compile to the same core:
// built once, by the texts' digest (contentOf), held while any shop uses it.
const cores = new Interned<CompiledCore>()

export function compileShop (shop: ShopRules): CompiledShop {
  const entries = entriesOf(shop)
  const content = contentOf.get(shop)
  const core = content === undefined ? compileCore(shop, entries) : cores.get(content, () => compileCore(shop, entries))
  return { shop, entries, core, ...core }
}

function entriesOf (shop: ShopRules): Entry[] {
  const entries: Entry[] = []
  const addEntry = (kind: EntryKind, src: (Rule | SizeChart | Catalog) & Located): void => {
    const answers = src.answers ?? (src.intent === 'greeting' ? 'any' : 'question')
    entries.push({ kind, index: entries.length, id: src.id, intent: src.intent, priority: src.priority, allGroups: src.all.length, answers, source: src })
  }
  for (const r of shop.rules) addEntry('rule', r)
  for (const c of shop.sizeCharts) addEntry('size', c)
  for (const c of shop.catalogs) addEntry('catalog', c)
  return entries
}

function compileCore (shop: ShopRules, entries: Entry[]): CompiledCore {
  const roles = new Map<string, Role[]>()
  const add = (raw: string, role: Role): void => addRole(roles, raw, role)
  const regexSources: string[] = []
  const regexOwners: CompiledShop['regexOwners'] = []
  const codePatterns = new Map<number, RE2JS>()
  const itemKeys = new Map<number, Set<string>>()

  for (const { index, kind, source: src } of entries) {
    for (const k of src.keywords) add(k, { role: 'kw', entry: index })
    for (const k of src.weak_keywords) add(k, { role: 'kw', entry: index, weak: true })
    for (const k of src.not) add(k, { role: 'not', entry: index })
    src.all.forEach((group, g) => { for (const k of group) add(k, { role: 'all', entry: index, group: g }) })
    for (const p of src.regex) {
      regexSources.push(p)
      regexOwners.push({ entry: index, pattern: pattern(p) })
    }
    if (kind !== 'catalog') continue
    const c = src as Catalog & Located
    const names = new Set<string>()
    c.items.forEach((item: CatalogItem, i: number) => {
      for (const k of [item.name, ...item.aliases]) add(k, { role: 'item', entry: index, item: i })
      names.add(ruleKey(item.name))
      for (const tone of item.suits) add(tone, { role: 'tone', entry: index, tone })
    })
    itemKeys.set(index, names)
    if (c.code_regex) codePatterns.set(index, pattern(c.code_regex))
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
  // is no other-topic word for it, nor a question beside the ones it answers.
  // (one search in the keywords joined, not one per keyword: this test ran for every marker of every shop)
  const keywordKeys = entries.flatMap((e) => [...e.source.keywords, ...e.source.weak_keywords].map((k) => ruleKey(String(k)))).join('\u0000')
  const ownTopic = (marker: string): boolean => { const m = ruleKey(marker); return m !== '' && keywordKeys.includes(m) }
  const requestActs = new Set<string>()
  for (const kind of MARKER_KINDS) {
    if (kind === 'request_act') {
      // single characters that are in nearly every message: looked up only after a lead word
      for (const k of [...(reading?.builtin !== false ? DEFAULT_MARKERS[kind] : []), ...(reading?.[kind] ?? [])]) if (ruleKey(k) !== '') requestActs.add(ruleKey(k))
      continue
    }
    if (reading?.builtin !== false) {
      for (const k of DEFAULT_MARKERS[kind]) if ((kind !== 'other_topic' && kind !== 'side_question') || !ownTopic(k)) add(k, { role: 'marker', kind })
    }
    for (const k of reading?.[kind] ?? []) add(k, { role: 'marker', kind })
  }

  const keys = [...roles.keys()]
  const correctable = keys.filter((k) => roles.get(k)!.some((r) => CORRECTABLE.has(r.role)))
  // Every shop's roles are worked out in full as before; the words whose roles are the built-in
  // automaton's own leave the shop's automaton, so it holds what is the shop's (~700 words of the
  // demo shop, not ~1,850). A built-in word the shop also uses keeps its whole role list here.
  const builtin = builtinWords(reading?.builtin !== false, shop.handoff.escalate.builtin_lexicon)
  const own = builtin ? new Map<string, Role[]>() : roles
  const builtinSkip = new Set<string>()
  if (builtin) {
    for (const [k, list] of roles) {
      const shared = builtin.roles.get(k)
      if (!shared || !sameRoles(list, shared)) own.set(k, list)
    }
    for (const k of builtin.roles.keys()) if (own.has(k) || !roles.has(k)) builtinSkip.add(k)
  }
  const ownKeys = builtin ? [...own.keys()] : keys
  return {
    roles: own,
    automaton: automata.get(digestOf(ownKeys), () => new KeywordAutomaton(ownKeys)),
    builtin,
    builtinSkip,
    regexSet: regexSources.length > 0 ? regexSets.get(digestOf(regexSources), () => compileSet(regexSources)) : undefined,
    regexOwners,
    codePatterns,
    itemKeys,
    sizeEntries: entries.filter((e) => e.kind === 'size').map((e) => e.index),
    requestActs: [...requestActs],
    typos: typoIndexes.get(digestOf(correctable), () => buildTypoIndex(correctable))
  }
}

function compileSet (sources: readonly string[]): RE2Set {
  const set = new RE2Set()
  for (const p of sources) set.add(p)
  set.compile()
  return set
}
