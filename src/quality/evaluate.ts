/**
 * Answer quality on labelled buyer messages: per intent, answered correctly, answered wrongly,
 * handed off; precision (correct / answered), coverage (answered / answerable), and the share of
 * must-hand-off messages that got an answer anyway. A wrong answer costs more than a handoff, so
 * precision and that share are the numbers to protect. Each message is read in a fresh
 * conversation, as the maintainers score the service on real buyers' messages.
 */
import type { ShopEngine } from '../engine/engine.js'
import { decide, type Decision } from '../engine/decide.js'
import { pickFirst } from '../engine/answer.js'

export interface Labelled { text: string; intents: string[]; note?: string }

/**
 * Labels that mean "a person must take this", and the handoff reason that is right for them
 * (`case`: any handoff that is not a complaint or a request for a human). `none` is the older sets'
 * name for `other`; see test/fixtures/realistic/RUBRIC.md.
 */
export const HANDOFF_LABELS: Record<string, 'case' | 'human_request' | 'complaint'> = {
  none: 'case', other: 'case', return_status: 'case', shipping_status: 'case', human_request: 'human_request', complaint: 'complaint'
}
const OWN_CASE_LABELS = new Set(['return_status', 'shipping_status'])
const CASE_REASONS = new Set(['unmatched', 'own_case', 'closed_hours'])
/** outcomes of a rule that fired but did not answer: the buyer's own case went to a person */
const NOT_ANSWERED = new Set(['own_case', 'policy_info'])

/** What went wrong, in the words of the real-buyer issue. */
export type MistakeKind =
  | 'own_case_answered' // the buyer's own case answered with the general policy
  | 'keyword_elsewhere' // a keyword in a sentence about something else answered
  | 'wrong_topic' // the wrong one of our own topics
  | 'complaint_or_human_missed' // a complaint or a request for a person not routed as such
  | 'handoff_reason' // handed off, but with a reason that does not fit the label

export interface IntentScore { total: number; correct: number; wrong: number; handedOff: number }
export interface Mistake { text: string; expected: string[]; got: string[]; rules: string[]; methods: string[]; kind: MistakeKind }
export interface EvalReport {
  perIntent: Record<string, IntentScore>
  overall: IntentScore & {
    precision: number; coverage: number; answerable: number; answered: number
    /** messages that must go to a person */
    mustHandOff: number
    /** of those, how many got an answer anyway */
    wrongOnMustHandOff: number
    /** handed off as the buyer's own case (reason own_case) */
    ownCase: number
  }
  byMethod: Record<string, { correct: number; wrong: number }>
  byKind: Record<MistakeKind, number>
  mistakes: Mistake[]
  /** answerable messages handed off, and why */
  misses: Array<{ text: string; expected: string[]; reason: string; rules: string[] }>
}

// A Tuesday noon in Shanghai: within business hours, so closed-hours handoffs do not blur the result.
const NOW = Date.parse('2026-11-24T04:00:00Z')

/** The intents the decision answered with; empty when it handed off without answering. */
export function answeredIntents (d: Decision): string[] {
  if (d.action === 'silent') return []
  return d.matched.filter((x) => !x.ruleId.startsWith('handoff.') && !NOT_ANSWERED.has(x.outcome ?? '')).map((x) => x.intent)
}

export function evaluate (engine: ShopEngine, messages: Labelled[]): EvalReport {
  const perIntent: Record<string, IntentScore> = {}
  const byMethod: Record<string, { correct: number; wrong: number }> = {}
  const byKind: Record<MistakeKind, number> = { own_case_answered: 0, keyword_elsewhere: 0, wrong_topic: 0, complaint_or_human_missed: 0, handoff_reason: 0 }
  const mistakes: Mistake[] = []
  const misses: EvalReport['misses'] = []
  let answerable = 0; let answered = 0; let answeredAnswerable = 0; let correctAnswers = 0; let total = 0; let wrongAll = 0; let handedAll = 0
  let mustHandOff = 0; let wrongOnMustHandOff = 0; let ownCase = 0
  for (const m of messages) {
    total++
    const d = decide(engine, { type: 'text', text: m.text }, {}, { now: NOW, pick: pickFirst })
    const label = m.intents.length === 1 ? m.intents[0]! : 'multi'
    const s = (perIntent[label] ??= { total: 0, correct: 0, wrong: 0, handedOff: 0 })
    s.total++
    const isAnswerable = m.intents.some((i) => !(i in HANDOFF_LABELS))
    if (isAnswerable) answerable++
    else mustHandOff++
    if (d.handoff?.reason === 'own_case') ownCase++
    const got = answeredIntents(d)
    let ok: boolean
    let kind: MistakeKind | undefined
    if (got.length > 0) {
      answered++
      if (isAnswerable) answeredAnswerable++
      else wrongOnMustHandOff++
      ok = got.every((g) => m.intents.includes(g))
      if (ok) correctAnswers++
      else if (m.intents.some((i) => HANDOFF_LABELS[i] === 'complaint' || HANDOFF_LABELS[i] === 'human_request')) kind = 'complaint_or_human_missed'
      else if (m.intents.some((i) => OWN_CASE_LABELS.has(i))) kind = 'own_case_answered'
      else if (!isAnswerable) kind = 'keyword_elsewhere'
      else kind = 'wrong_topic'
      for (const x of d.matched) {
        if (x.ruleId.startsWith('handoff.') || NOT_ANSWERED.has(x.outcome ?? '')) continue
        const b = (byMethod[x.method] ??= { correct: 0, wrong: 0 })
        if (m.intents.includes(x.intent)) b.correct++; else b.wrong++
      }
    } else {
      // a handoff is right for must-hand-off labels when the reason fits; for answerable ones it is a miss, not a mistake
      const reason = d.handoff?.reason ?? d.action
      const wanted = m.intents.map((i) => HANDOFF_LABELS[i]).filter((w) => w !== undefined)
      ok = !isAnswerable && wanted.some((w) => (w === 'case' ? CASE_REASONS.has(reason) : w === reason))
      if (m.intents.includes('complaint')) ok = reason === 'complaint'
      if (!ok && !isAnswerable) kind = wanted.includes('complaint') || wanted.includes('human_request') ? 'complaint_or_human_missed' : 'handoff_reason'
    }
    if (got.length === 0 && isAnswerable) misses.push({ text: m.text, expected: m.intents, reason: d.handoff?.reason ?? d.action, rules: d.matched.map((x) => x.ruleId) })
    if (got.length === 0 && isAnswerable) { s.handedOff++; handedAll++ } else if (ok) s.correct++
    else { s.wrong++; wrongAll++ }
    if (kind) {
      byKind[kind]++
      mistakes.push({ text: m.text, expected: m.intents, got: got.length > 0 ? got : [`handoff:${d.handoff?.reason ?? d.action}`], rules: d.matched.map((x) => x.ruleId), methods: d.matched.map((x) => x.method), kind })
    }
  }
  return {
    perIntent,
    overall: {
      total, correct: total - wrongAll - handedAll, wrong: wrongAll, handedOff: handedAll,
      precision: answered === 0 ? 1 : correctAnswers / answered,
      coverage: answerable === 0 ? 1 : answeredAnswerable / answerable,
      answerable,
      answered,
      mustHandOff,
      wrongOnMustHandOff,
      ownCase
    },
    byMethod,
    byKind,
    mistakes,
    misses
  }
}

export function parseLabelled (jsonl: string): Labelled[] {
  return jsonl.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).map((l, i) => {
    const v = JSON.parse(l) as Labelled
    if (typeof v.text !== 'string' || !Array.isArray(v.intents) || v.intents.length === 0) throw new Error(`line ${i + 1}: needs "text" and "intents"`)
    return v
  })
}
