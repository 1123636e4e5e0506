/** The webhook's metrics for a message that came in on a channel, so dashboards count every channel alike. */
import type { Metrics } from '../plugins/metrics.js'
import type { MessageResponse } from '../service/handle-message.js'

export function recordOutcome (metrics: Metrics, onDuplicate?: (duplicate: boolean) => void) {
  return (shop: string, r: MessageResponse, duplicate: boolean): void => {
    onDuplicate?.(duplicate)
    metrics.messages.inc({ shop, action: r.action })
    if (duplicate) metrics.duplicates.inc({ shop })
    if (r.degraded) metrics.degraded.inc({ shop })
    for (const m of r.matched) metrics.intents.inc({ shop, intent: m.intent, method: m.method })
    if (r.handoff && !duplicate) metrics.handoffs.inc({ shop, reason: r.handoff.reason, priority: r.handoff.priority })
  }
}
