/**
 * Turns a fired candidate into reply text: a rule's reply, a size recommendation, or a catalog
 * answer. Pure; `pick` chooses among reply variants so tests can make it deterministic.
 */
import type { Catalog, Rule, SizeChart } from '../rules/schema.js'
import type { Candidate } from '../matching/match.js'
import type { PendingAsk } from './types.js'
import type { Measurements } from '../matching/measurements.js'
import { recommendSize } from '../replies/size-chart.js'
import { renderTemplate } from '../replies/template.js'

export type Pick = (variants: string | string[]) => string
export const pickRandom: Pick = (v) => (Array.isArray(v) ? v[Math.floor(Math.random() * v.length)]! : v)
export const pickFirst: Pick = (v) => (Array.isArray(v) ? v[0]! : v)

export interface Answer {
  text: string
  /** hand the conversation to a human after replying */
  handoff?: boolean
  /** remember a question the bot asked (size figures) */
  pending?: PendingAsk | null
  /** a sub-outcome for explanations and the eval: fit, between, out_of_range, ask, items, list, ... */
  outcome?: string
}

export function answerRule (rule: Rule, pick: Pick): Answer {
  return { text: pick(rule.reply ?? ''), handoff: rule.handoff, outcome: 'reply' }
}

/** The placeholders of a size chart's replies (docs: rules/size.yaml). */
interface SizeVars { height_cm?: number; weight_jin?: number; size?: string; height_size?: string; weight_size?: string; [name: string]: string | number | undefined }

/** `found`: the figures read from this message (src/matching/match.ts `readFigures`). */
export function answerSize (chart: SizeChart, found: Measurements, now: number, pending?: PendingAsk): Answer {
  // figures given earlier in the conversation (height first, weight next message) still count
  const heightCm = found.heightCm ?? (pending?.ruleId === chart.id ? pending.heightCm : undefined)
  const weightJin = found.weightJin ?? (pending?.ruleId === chart.id ? pending.weightJin : undefined)
  const advice = recommendSize(chart.rows, { heightCm, weightJin })
  // one object of one shape for every reply (a spread of a smaller one into it was an eighth of
  // answering a size question); the placeholders a reply does not use are left undefined
  const vars: SizeVars = { height_cm: heightCm, weight_jin: weightJin, size: undefined, height_size: undefined, weight_size: undefined }
  switch (advice.kind) {
    case 'fit':
      vars.size = advice.size
      return { text: renderTemplate(chart.reply, vars), pending: null, outcome: 'fit' }
    case 'between':
      vars.size = advice.size
      vars.height_size = advice.heightSize
      vars.weight_size = advice.weightSize
      return { text: renderTemplate(chart.between_reply ?? chart.reply, vars), pending: null, outcome: 'between' }
    case 'out_of_range':
      return { text: renderTemplate(chart.out_of_range_reply, vars), handoff: true, pending: null, outcome: 'out_of_range' }
    case 'need':
      return {
        text: chart.ask,
        pending: { kind: 'size', ruleId: chart.id, heightCm, weightJin, until: now + chart.ask_ttl },
        outcome: 'ask'
      }
  }
}

const LIST_SEPARATOR = '、'

export function answerCatalog (catalog: Catalog, c: NonNullable<Candidate['catalog']>): Answer[] {
  const names = catalog.items.map((i) => i.name).join(LIST_SEPARATOR)
  switch (c.mode) {
    case 'items':
      // at most two items described in one message: more is a list, not an answer
      return c.items.slice(0, 2).map((i) => ({ text: catalog.items[i]!.reply, outcome: 'items' }))
    case 'suits': {
      const tone = c.tones[0]!
      const suited = catalog.items.filter((i) => i.suits.includes(tone))
      if (!catalog.suits_reply || suited.length === 0) return [{ text: renderTemplate(catalog.list_reply, { items: names }), outcome: 'list' }]
      return [{ text: renderTemplate(catalog.suits_reply, { tone, items: suited.map((i) => i.name).join(LIST_SEPARATOR) }), outcome: 'suits' }]
    }
    case 'unknown':
      if (!catalog.unknown_reply) return [{ text: renderTemplate(catalog.list_reply, { items: names }), outcome: 'list' }]
      return [{ text: renderTemplate(catalog.unknown_reply, { name: c.codes[0], items: names }), outcome: 'unknown' }]
    case 'list':
      return [{ text: renderTemplate(catalog.list_reply, { items: names }), outcome: 'list' }]
  }
}
