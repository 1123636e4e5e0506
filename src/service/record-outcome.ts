/** The webhook's metrics for one message, whichever channel it came in on, so dashboards count every channel alike. */
import type { Metrics } from '../plugins/metrics.js'
import type { Outcome } from './handle-message.js'

export function recordOutcome (metrics: Metrics, shop: string, { response: r, duplicate }: Outcome): void {
  metrics.messages.inc({ shop, action: r.action })
  if (duplicate) metrics.duplicates.inc({ shop })
  if (r.degraded) metrics.degraded.inc({ shop })
  for (const m of r.matched) metrics.intents.inc({ shop, intent: m.intent, method: m.method })
  if (r.handoff && !duplicate) metrics.handoffs.inc({ shop, reason: r.handoff.reason, priority: r.handoff.priority })
}
