/**
 * Placeholders a template may name, per kind of reply. A name outside its set (`{positon}`) is never
 * filled and would reach buyers verbatim, so it is reported with file and line before it goes live.
 */
import type { ShopRules, Located } from './schema.js'
import type { RuleProblem } from './load.js'

const HANDOFF = ['position', 'agents']
const SIZE = ['size', 'height_cm', 'weight_jin', 'height_size', 'weight_size', ...HANDOFF]
const PLACEHOLDER = /\{([a-z_]+)\}/g

type Reply = string | string[] | undefined

function check (problems: RuleProblem[], at: Located | undefined, ruleId: string | undefined, field: string, reply: Reply, allowed: string[]): void {
  for (const text of reply === undefined ? [] : Array.isArray(reply) ? reply : [reply]) {
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      if (allowed.includes(name!)) continue
      const known = allowed.length > 0 ? `known here: ${allowed.map((a) => `{${a}}`).join(' ')}` : 'this reply takes no placeholders'
      problems.push({ file: at?.file ?? '(defaults)', line: at?.line ?? 0, ...(ruleId ? { ruleId } : {}), message: `${field}: unknown placeholder {${name}} would be sent to buyers as written (${known})` })
    }
  }
}

export function placeholderProblems (shop: ShopRules): RuleProblem[] {
  const problems: RuleProblem[] = []
  for (const r of shop.rules) check(problems, r, r.id, 'reply', r.reply, r.handoff ? HANDOFF : [])
  for (const c of shop.sizeCharts) {
    for (const field of ['reply', 'between_reply', 'out_of_range_reply'] as const) check(problems, c, c.id, field, c[field], SIZE)
    check(problems, c, c.id, 'ask', c.ask, [])
  }
  for (const c of shop.catalogs) {
    check(problems, c, c.id, 'list_reply', c.list_reply, ['items'])
    check(problems, c, c.id, 'unknown_reply', c.unknown_reply, ['name', 'items'])
    check(problems, c, c.id, 'suits_reply', c.suits_reply, ['tone', 'items'])
    for (const item of c.items) check(problems, c, c.id, `items.${item.name}.reply`, item.reply, [])
  }
  const at = shop.sectionAt ?? {}
  const w = shop.welcome as Record<string, unknown>
  for (const field of ['first', 'returning', 'again']) check(problems, at.welcome, undefined, `welcome.${field}`, w[field] as Reply, [])
  const h = shop.handoff as Record<string, unknown>
  for (const field of ['reply', 'offline_reply', 'human_reply', 'unsupported_reply']) check(problems, at.handoff, undefined, `handoff.${field}`, h[field] as Reply, HANDOFF)
  check(problems, at.handoff, undefined, 'handoff.escalate.reply', shop.handoff.escalate.reply as Reply, HANDOFF)
  if (shop.hours) {
    check(problems, at.hours, undefined, 'hours.closed_reply', shop.hours.closed_reply, HANDOFF)
    check(problems, at.hours, undefined, 'hours.closed_complaint_reply', shop.hours.closed_complaint_reply, HANDOFF)
  }
  return problems
}
