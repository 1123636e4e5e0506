/**
 * Optional event webhooks: ticket.created / claimed / resolved / requeued POSTed to
 * EVENTS_WEBHOOK_URL, signed like every webhook here (X-Autoreply-Signature with
 * EVENTS_WEBHOOK_SECRET), so a desk can notify agents the moment a chat waits. Best effort: a few
 * quick tries in this process, in order, never blocking the request that caused the event; the durable
 * record is the queue itself (GET /v1/handoff/stats, the streams).
 */
import fp from 'fastify-plugin'
import { postSigned, type WebhookTarget } from '../outbox/webhook-channel.js'
import type { ServiceEvent } from '../events/bus.js'

export interface EventWebhookOptions { target?: WebhookTarget; timeoutMs: number }

const TRIES = 3

export default fp<EventWebhookOptions>(async (app, opts) => {
  const target = opts.target
  if (!target) return
  const inFlight = new Set<Promise<void>>()
  const closing = new AbortController()
  const deliver = async (e: ServiceEvent): Promise<void> => {
    const body = JSON.stringify({ event: e.type, ...e, at: new Date(e.at).toISOString() })
    for (let attempt = 1; attempt <= TRIES && !closing.signal.aborted; attempt++) {
      try {
        const status = await postSigned(target, body, AbortSignal.any([closing.signal, AbortSignal.timeout(opts.timeoutMs)]))
        if (status >= 200 && status < 300) return
        app.log.warn({ event: e.type, status, attempt }, 'event webhook refused the event')
      } catch (err) {
        app.log.warn({ event: e.type, err: (err as Error).message, attempt }, 'event webhook unreachable')
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }
  // one at a time, in the order they happened: a desk sees claimed after created, resolved last
  let chain: Promise<void> = Promise.resolve()
  const off = app.events.onEvent((e) => {
    if (!e.type.startsWith('ticket.')) return
    const p = chain.then(() => deliver(e))
    chain = p
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  })
  app.addHook('preClose', async () => {
    off()
    // a moment for events already on their way, then the rest is dropped
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
    closing.abort()
  })
}, { name: 'event-webhooks', dependencies: ['outbox'] })
