/**
 * "Why did the bot say that?" — the decision for a message plus every rule that was considered:
 * which fired and won, which lost and to whom, which a `not` keyword vetoed. Shared by
 * POST /v1/rules/test and the operator CLI so both tell the same story.
 */
import type { ConversationState } from './types.js'
import { decide, type Decision } from './decide.js'
import type { ShopEngine } from './engine.js'
import { pickFirst } from './answer.js'
import { normalise } from '../matching/normalise.js'
import { DEFAULT_THRESHOLD } from '../matching/classifier.js'

export interface Considered {
  ruleId: string
  intent: string
  file: string
  line: number
  verdict: 'answered' | 'lost' | 'vetoed' | 'incomplete' | 'own_case' | 'held'
  keywords?: string[]
  why: string
}

export interface Explanation {
  text: string
  normalised: string
  decision: Omit<Decision, 'analysis' | 'firstContact' | 'reading'>
  /** what the buyer does in each clause (src/matching/reading.ts) */
  clauses: Array<{ text: string; act: string; marker?: string; otherTopic?: string; aside?: string }>
  considered: Considered[]
}

export function explain (engine: ShopEngine, text: string, state: ConversationState = {}, now = Date.now()): Explanation {
  const decision = decide(engine, { type: 'text', text }, state, { now, pick: pickFirst })
  const { analysis, firstContact: _first, reading, ...shown } = decision
  const key = analysis?.correctedKey ?? analysis?.key ?? ''
  const clauses = (reading?.clauses ?? []).map((c) => ({ text: key.slice(c.begin, c.end), act: c.act, ...(c.by ? { marker: c.by } : {}), ...(c.other ? { otherTopic: c.other } : {}), ...(c.side ? { aside: c.side } : {}) }))
  const ownCase = new Set(decision.matched.filter((m) => m.outcome === 'own_case' || m.outcome === 'policy_info').map((m) => m.ruleId))
  const ownWhy = reading?.own ? `clause "${key.slice(reading.own.begin, reading.own.end)}" is the buyer's own case (${reading.own.act}: "${reading.own.by}")` : 'its keyword is in a report of the buyer\'s own case'
  const considered: Considered[] = []
  const chosenIds = new Set(decision.matched.map((m) => m.ruleId))
  const winnerOf = new Map(decision.matched.map((m) => [m.intent, m.ruleId]))
  const escalated = decision.handoff?.reason === 'complaint' || decision.handoff?.reason === 'human_request'
  for (const c of analysis?.candidates ?? []) {
    const src = c.entry.source
    const base = { ruleId: c.entry.id, intent: c.entry.intent, file: src.file, line: src.line, keywords: c.keywords }
    if (ownCase.has(c.entry.id)) {
      considered.push({ ...base, verdict: 'own_case', why: `fired, but ${ownWhy}: handed to a person${c.entry.source.case_reply ? ', with its case_reply' : ''}` })
    } else if (chosenIds.has(c.entry.id)) {
      const on = c.keywords.map((k) => `"${k}"`).join(', ') || c.method
      const how = c.method === 'pinyin' ? ' after correcting a typo (homophone or pinyin)' : c.method === 'figures' ? ' (height and weight in the message)' : ''
      considered.push({ ...base, verdict: 'answered', why: `fired on ${on}${how}` })
    } else if (reading?.aside) {
      considered.push({ ...base, verdict: 'held', why: `fired, but clause "${key.slice(reading.aside.begin, reading.aside.end)}" asks what no rule answers (${reading.aside.side}): the whole message goes to a person` })
    } else if (!decision.matched.some((m) => m.intent === c.entry.intent) && decision.handoff?.reason === 'unmatched') {
      considered.push({ ...base, verdict: 'held', why: 'fired in a clause that asks nothing of this rule (feedback, next time, or another topic)' })
    } else if (escalated) {
      considered.push({ ...base, verdict: 'lost', why: `fired, but ${decision.handoff!.reason === 'complaint' ? 'a complaint' : 'a request for a human'} outranks every rule` })
    } else {
      const winner = winnerOf.get(c.entry.intent)
      considered.push({ ...base, verdict: 'lost', why: winner ? `fired, but "${winner}" is more specific (longer keyword, more \`all\` groups or higher priority)` : `fired, but only ${decision.matched.length} answers are given per message` })
    }
  }
  // answers that no keyword fired: the paraphrase classifier, or the reply to the bot's own size question
  const fired = new Set((analysis?.candidates ?? []).map((c) => c.entry.id))
  for (const m of decision.matched) {
    if (fired.has(m.ruleId) || m.ruleId.startsWith('handoff.')) continue
    const entry = engine.compiled.entries.find((e) => e.id === m.ruleId)
    if (!entry) continue
    const why = m.method === 'classifier'
      ? `no keyword fired; the paraphrase classifier chose it with score ${m.score} (answers only at ≥ ${DEFAULT_THRESHOLD})`
      : 'the bot had asked this buyer for height and weight, and this message gives them'
    considered.push({ ruleId: m.ruleId, intent: m.intent, file: entry.source.file, line: entry.source.line, verdict: 'answered', why })
  }
  for (const v of analysis?.vetoed ?? []) {
    considered.push({ ruleId: v.entry.id, intent: v.entry.intent, file: v.entry.source.file, line: v.entry.source.line, verdict: 'vetoed', why: `its not-keyword "${v.by}" is in the message` })
  }
  for (const i of analysis?.incomplete ?? []) {
    const group = i.entry.source.all[i.missingGroup] ?? []
    considered.push({ ruleId: i.entry.id, intent: i.entry.intent, file: i.entry.source.file, line: i.entry.source.line, verdict: 'incomplete', why: `a keyword fired, but none of all-group ${i.missingGroup + 1} [${group.join(', ')}] is in the message` })
  }
  return { text, normalised: normalise(text).key, decision: shown, clauses, considered }
}
