/**
 * Answer quality on labelled buyer messages: per intent, answered correctly, answered wrongly,
 * handed off; precision (correct / answered) and coverage (answered / answerable). A wrong answer
 * costs more than a handoff, so precision is the number to protect.
 */
import type { ShopEngine } from '../engine/engine.js'
import { decide } from '../engine/decide.js'
import { pickFirst } from '../engine/answer.js'

export interface Labelled { text: string; intents: string[]; note?: string }

/** Labels that mean "a person must take this". */
export const HANDOFF_LABELS: Record<string, string> = { none: 'unmatched', human_request: 'human_request', complaint: 'complaint' }

export interface IntentScore { total: number; correct: number; wrong: number; handedOff: number }
export interface Mistake { text: string; expected: string[]; got: string[]; rules: string[]; methods: string[] }
export interface EvalReport {
  perIntent: Record<string, IntentScore>
  overall: IntentScore & { precision: number; coverage: number; answerable: number; answered: number }
  byMethod: Record<string, { correct: number; wrong: number }>
  mistakes: Mistake[]
}

// A Tuesday noon in Shanghai: within business hours, so closed-hours handoffs do not blur the result.
const NOW = Date.parse('2026-11-24T04:00:00Z')

export function evaluate (engine: ShopEngine, messages: Labelled[]): EvalReport {
  const perIntent: Record<string, IntentScore> = {}
  const byMethod: Record<string, { correct: number; wrong: number }> = {}
  const mistakes: Mistake[] = []
  let answerable = 0; let answered = 0; let answeredAnswerable = 0; let correctAnswers = 0; let total = 0; let wrongAll = 0; let handedAll = 0
  for (const m of messages) {
    total++
    const d = decide(engine, { type: 'text', text: m.text }, { lastSeenAt: NOW - 60_000 }, { now: NOW, pick: pickFirst })
    const label = m.intents.length === 1 ? m.intents[0]! : 'multi'
    const s = (perIntent[label] ??= { total: 0, correct: 0, wrong: 0, handedOff: 0 })
    s.total++
    const isAnswerable = m.intents.some((i) => !(i in HANDOFF_LABELS))
    if (isAnswerable) answerable++
    const got = d.action === 'reply' || (d.action === 'handoff' && d.matched.some((x) => !x.ruleId.startsWith('handoff.')))
      ? d.matched.map((x) => x.intent)
      : []
    let ok: boolean
    if (got.length > 0) {
      answered++
      if (isAnswerable) answeredAnswerable++
      ok = got.every((g) => m.intents.includes(g))
      if (ok) correctAnswers++
    } else {
      // a handoff is right for handoff labels when the reason matches; for answerable messages it is a miss, not a mistake
      const reason = d.handoff?.reason
      ok = !isAnswerable && m.intents.some((i) => HANDOFF_LABELS[i] === reason || (HANDOFF_LABELS[i] === 'unmatched' && reason !== undefined && i === 'none'))
      if (m.intents.includes('complaint')) ok = reason === 'complaint'
    }
    if (got.length > 0) {
      for (const x of d.matched) {
        const b = (byMethod[x.method] ??= { correct: 0, wrong: 0 })
        if (m.intents.includes(x.intent)) b.correct++; else b.wrong++
      }
    }
    if (got.length === 0 && isAnswerable) { s.handedOff++; handedAll++ } else if (ok) s.correct++
    else { s.wrong++; wrongAll++ }
    if (!ok && !(got.length === 0 && isAnswerable)) {
      mistakes.push({ text: m.text, expected: m.intents, got: got.length > 0 ? got : [`handoff:${d.handoff?.reason ?? d.action}`], rules: d.matched.map((x) => x.ruleId), methods: d.matched.map((x) => x.method) })
    }
  }
  return {
    perIntent,
    overall: {
      total, correct: total - wrongAll - handedAll, wrong: wrongAll, handedOff: handedAll,
      precision: answered === 0 ? 1 : correctAnswers / answered,
      coverage: answerable === 0 ? 1 : answeredAnswerable / answerable,
      answerable,
      answered
    },
    byMethod,
    mistakes
  }
}

export function parseLabelled (jsonl: string): Labelled[] {
  return jsonl.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).map((l, i) => {
    const v = JSON.parse(l) as Labelled
    if (typeof v.text !== 'string' || !Array.isArray(v.intents) || v.intents.length === 0) throw new Error(`line ${i + 1}: needs "text" and "intents"`)
    return v
  })
}
