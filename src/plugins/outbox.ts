/**
 * The outbox and its sender loop: Redis when the store is on Redis (same prefix, so instances
 * share it), embedded otherwise. Decorates `app.outbox`, `app.channels` (the 'webhook' channel is
 * registered here; adapters register theirs) and `app.events`.
 */
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { ChannelRegistry, createEmbeddedOutbox, createRedisOutbox, exponentialBackoff, startSender, webhookChannel, type Outbox, type Sender, type WebhookTarget } from '../outbox/index.js'
import { EventBus } from '../events/bus.js'

declare module 'fastify' {
  interface FastifyInstance { outbox: Outbox; channels: ChannelRegistry; events: EventBus; sender: Sender | null }
}

const REQUEUE_POLL_MS = 1000

export interface OutboxPluginOptions {
  prefix: string
  leaseMs: number
  maxAttempts: number
  retryBaseMs: number
  retryMaxMs: number
  sendTimeoutMs: number
  /** false: this instance queues but never sends (another instance does) */
  send: boolean
  /** the webhook for shops without their own `outbound_webhook` */
  defaultWebhook?: WebhookTarget
}

export default fp<OutboxPluginOptions>(async (app, opts) => {
  const outbox = app.redis
    ? createRedisOutbox({ redis: app.redis, prefix: opts.prefix, leaseMs: opts.leaseMs })
    : createEmbeddedOutbox({ leaseMs: opts.leaseMs })
  const channels = new ChannelRegistry()
  const events = new EventBus((err) => app.log.error({ err: err.message }, 'an event listener threw'))
  channels.register('webhook', webhookChannel((shopId) => app.rules.get(shopId)?.rules.outbound_webhook ?? opts.defaultWebhook))
  app.decorate('outbox', outbox)
  app.decorate('channels', channels)
  app.decorate('events', events)
  app.decorate('sender', null)

  // read at scrape time, from the store every instance shares, so any instance reports the same
  const perShop = async (g: Gauge, read: (shop: string) => Promise<number | null>) => {
    g.reset()
    for (const shop of app.rules.shopIds()) {
      const v = await read(shop).catch(() => null)
      if (v !== null) g.set({ shop }, v)
    }
  }
  new Gauge({ name: 'autoreply_outbox_depth', help: 'Outgoing messages not yet sent or dead-lettered', labelNames: ['shop'], registers: [app.metrics.registry],
    async collect () { await perShop(this, async (s) => (await outbox.stats(s)).depth) } })
  new Gauge({ name: 'autoreply_outbox_oldest_seconds', help: 'Age of the oldest outgoing message not yet sent', labelNames: ['shop'], registers: [app.metrics.registry],
    async collect () { await perShop(this, async (s) => (await outbox.stats(s)).oldestAgeMs / 1000) } })
  new Gauge({ name: 'autoreply_outbox_sent', help: 'Outgoing messages delivered (all instances; kept in the store)', labelNames: ['shop'], registers: [app.metrics.registry],
    async collect () { await perShop(this, async (s) => (await outbox.stats(s)).sent) } })
  new Gauge({ name: 'autoreply_outbox_failed', help: 'Outgoing messages dead-lettered (all instances; kept in the store)', labelNames: ['shop'], registers: [app.metrics.registry],
    async collect () { await perShop(this, async (s) => (await outbox.stats(s)).failed) } })
  new Gauge({ name: 'autoreply_first_reply_within_3m_ratio', help: 'Share of the last 24 h\'s tickets whose first agent reply came within 3 minutes', labelNames: ['shop'], registers: [app.metrics.registry],
    async collect () { await perShop(this, async (s) => (await app.store.replyStats(s)).repliedWithin3mShare) } })

  // claims that lapse are requeued inside the store's scripts; this turns them into ticket.requeued
  // events, each emitted by the one instance whose look returned it
  let polling = false
  const requeuePoll = setInterval(() => {
    if (polling) return
    polling = true
    void (async () => {
      for (const shopId of app.rules.shopIds()) {
        for (const r of await app.store.takeRequeued(shopId).catch(() => [])) {
          events.emit({ type: 'ticket.requeued', shopId, ticketId: r.ticketId, conversationId: r.conversationId, agentId: r.agentId, priority: r.priority, why: 'expired', at: r.at })
        }
      }
    })().finally(() => { polling = false })
  }, REQUEUE_POLL_MS)
  requeuePoll.unref()
  app.addHook('preClose', async () => { clearInterval(requeuePoll) })

  if (!opts.send) return
  // started once every plugin registered its channels, stopped before the store closes
  app.addHook('onReady', async () => {
    app.sender = startSender({
      outbox,
      channels,
      store: {
        setDelivery: async (shopId, messageId, d) => {
          await app.store.setDelivery(shopId, messageId, d)
        }
      },
      shops: () => app.rules.shopIds(),
      consumer: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      log: app.log,
      maxAttempts: opts.maxAttempts,
      backoff: exponentialBackoff(opts.retryBaseMs, opts.retryMaxMs),
      sendTimeoutMs: opts.sendTimeoutMs,
      onOutcome: (shop, outcome) => app.metrics.outbox.inc({ shop, outcome }),
      onDelivery: (m, d) => events.emit({
        type: 'message.delivery', shopId: m.shopId, messageId: m.id, conversationId: m.conversationId, status: d.status, at: d.at,
        ...(m.ticketId ? { ticketId: m.ticketId } : {}), ...(d.reason ? { reason: d.reason } : {})
      })
    })
  })
  app.addHook('preClose', async () => { await app.sender?.stop() })
  app.addHook('onClose', async () => { await outbox.close() })
}, { name: 'outbox', dependencies: ['store', 'rules', 'metrics'] })
