/** The webhook's metrics for one message, whichever channel it came in on, so dashboards count every channel alike. */
import type { Metrics } from '../plugins/metrics.js'
import type { Outcome } from './handle-message.js'

export function recordOutcome (metrics: Metrics, shop: string, { response: r, duplicate }: Outcome): void {
  metrics.messages.add(shop, r.action)
  if (duplicate) metrics.duplicates.add(shop)
  if (r.degraded) metrics.degraded.add(shop)
  for (const m of r.matched) metrics.intents.add(shop, m.intent, m.method)
  if (r.handoff && !duplicate) metrics.handoffs.add(shop, r.handoff.reason, r.handoff.priority)
}
