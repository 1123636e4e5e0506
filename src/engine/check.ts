/**
 * The operator's safety net: every rule's examples must fire it and its not_examples must not;
 * plus the conflicts worth a look (an example another rule takes, a keyword hidden inside another
 * rule's keyword). Used by `shop-autoreply check` and by the test suite on the shipped rules.
 */
import type { ShopEngine } from './engine.js'
import { decide } from './decide.js'
import { pickFirst } from './answer.js'
import { matchKey } from '../matching/normalise.js'

export interface CheckFailure { shopId: string; ruleId: string; file: string; line: number; kind: 'example' | 'not_example'; text: string; got: string }
export interface CheckConflict { shopId: string; kind: 'example_taken' | 'keyword_overlap'; ruleId: string; other: string; file: string; line: number; detail: string }
export interface CheckReport { failures: CheckFailure[]; conflicts: CheckConflict[]; examples: number }

/** a rule that fired in the buyer's own case handed off: it did not answer */
const answered = (m: { outcome?: string }) => m.outcome !== 'own_case' && m.outcome !== 'policy_info'

/** methods that answer from what the engine learnt of the examples, not from the rules as written */
const LEARNT = new Set(['classifier'])

// Mid-session and inside business hours, so greetings and closed hours do not colour the result.
const NOON_SHANGHAI_TUESDAY = Date.parse('2026-11-24T04:00:00Z')

export function checkEngine (engine: ShopEngine): CheckReport {
  const failures: CheckFailure[] = []
  const conflicts: CheckConflict[] = []
  let examples = 0
  const now = NOON_SHANGHAI_TUESDAY
  // The paraphrase fallbacks learn every example by heart, so through them an example proves
  // nothing (a deleted keyword would go unnoticed): examples must fire through the rules themselves.
  // not_examples are judged by the whole engine, as the server answers.
  const literal: ShopEngine = { ...engine, fallbacks: [] }
  const describe = (text: string, e: ShopEngine = engine) => {
    const d = decide(e, { type: 'text', text }, { lastSeenAt: now - 60_000 }, { now, pick: pickFirst })
    const shown = d.matched.filter(answered)
    const got = shown.length > 0 ? shown.map((m) => `${m.ruleId}${LEARNT.has(m.method) ? ` (${m.method})` : ''}`).join(', ') : `handoff (${d.handoff?.reason ?? d.action}${d.reading?.own ? `: read as the buyer's own case, "${d.reading.own.by}"` : ''})`
    return { d, got }
  }
  for (const e of engine.compiled.entries) {
    const src = e.source
    for (const text of src.examples) {
      examples++
      const { d, got } = describe(text, literal)
      const ids = d.matched.filter(answered).map((m) => m.ruleId)
      if (!ids.includes(e.id)) {
        const learnt = engine.fallbacks.length > 0 && describe(text).d.matched.some((m) => m.ruleId === e.id && answered(m) && LEARNT.has(m.method))
        failures.push({ shopId: engine.shopId, ruleId: e.id, file: src.file, line: src.line, kind: 'example', text, got: learnt ? `${got}; only the paraphrase classifier, which learnt this very example, answers it: add a keyword` : got })
      }
      for (const other of d.matched.filter(answered)) {
        if (other.ruleId !== e.id && other.intent !== e.intent) {
          conflicts.push({ shopId: engine.shopId, kind: 'example_taken', ruleId: e.id, other: other.ruleId, file: src.file, line: src.line, detail: `example "${text}" also fires "${other.ruleId}" (${other.intent})` })
        }
      }
    }
    for (const text of src.not_examples) {
      examples++
      const { d, got } = describe(text)
      if (d.matched.some((m) => m.ruleId === e.id && answered(m))) failures.push({ shopId: engine.shopId, ruleId: e.id, file: src.file, line: src.line, kind: 'not_example', text, got })
    }
  }
  // 退 inside 退货 inside 不退货: the shorter keyword of another rule never fires where the longer one does
  const intentOf = (id: string) => engine.compiled.entries.find((x) => x.id === id)?.intent
  const owners = new Map<string, string[]>()
  for (const e of engine.compiled.entries) for (const k of e.source.keywords) {
    const key = matchKey(String(k))
    owners.set(key, [...(owners.get(key) ?? []), e.id])
  }
  const keys = [...owners.keys()]
  // one line per (rule, keyword, other rule): 运费 inside fifteen return-postage phrases is one thing to read
  const nested = new Map<string, { a: string; b: string; short: string; longs: string[] }>()
  for (const short of keys) {
    for (const long of keys) {
      if (short === long || !long.includes(short)) continue
      for (const a of owners.get(short)!) for (const b of owners.get(long)!) {
        // within one intent the longer keyword answering is the point; across intents it is worth a look
        if (a === b || intentOf(a) === intentOf(b)) continue
        const k = `${a}\u0000${short}\u0000${b}`
        const n = nested.get(k)
        if (n) n.longs.push(long)
        else nested.set(k, { a, b, short, longs: [long] })
      }
    }
  }
  for (const { a, b, short, longs } of nested.values()) {
    const entry = engine.compiled.entries.find((x) => x.id === a)!
    const shown = longs.length <= 3 ? longs.map((l) => `"${l}"`).join(', ') : `${longs.slice(0, 3).map((l) => `"${l}"`).join(', ')} and ${longs.length - 3} more`
    conflicts.push({ shopId: engine.shopId, kind: 'keyword_overlap', ruleId: a, other: b, file: entry.source.file, line: entry.source.line, detail: `keyword "${short}" is inside ${shown} of "${b}": where ${longs.length === 1 ? 'it is' : 'they are'} written, "${b}" answers` })
  }
  for (const same of [...owners].filter(([, ids]) => new Set(ids.map(intentOf)).size > 1)) {
    const [k, ids] = same
    const entry = engine.compiled.entries.find((x) => x.id === ids[0])!
    conflicts.push({ shopId: engine.shopId, kind: 'keyword_overlap', ruleId: ids[0]!, other: ids.slice(1).join(', '), file: entry.source.file, line: entry.source.line, detail: `keyword "${k}" is listed by ${[...new Set(ids)].join(', ')}: the most specific or highest priority answers` })
  }
  return { failures, conflicts, examples }
}
