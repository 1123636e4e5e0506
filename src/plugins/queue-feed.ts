/**
 * The live queue (src/service/queue-feed.ts) for the console's event stream. Every message or desk
 * action this instance serves, and every ticket event on the bus (app.events), pokes the feed of its
 * shop, so desks see it at once; the feed's own
 * bounded poll covers other instances and desks on the raw Redis streams.
 */
import fp from 'fastify-plugin'
import { QueueFeed } from '../service/queue-feed.js'
import { DEFAULT_SHOP } from '../rules/load.js'

declare module 'fastify' {
  interface FastifyInstance { queueFeed: QueueFeed }
}

export interface QueueFeedPluginOptions { pollMs?: number }

const CHANGES = /^\/(v1\/messages|v1\/handoff\/|channels\/)/

export default fp<QueueFeedPluginOptions>(async (app, opts) => {
  const feed = new QueueFeed({ store: app.store, pollMs: opts.pollMs, onError: (err) => app.log.warn({ err: err.message }, 'console queue feed: could not read the queue') })
  app.decorate('queueFeed', feed)
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'POST' || reply.statusCode >= 400 || feed.subscribers() === 0 || !CHANGES.test(req.url.slice(0, 20))) return
    const body = req.body as { shopId?: unknown } | undefined
    const params = req.params as { shopId?: unknown } | undefined
    const shop = typeof body?.shopId === 'string' ? body.shopId : typeof params?.shopId === 'string' ? params.shopId : DEFAULT_SHOP
    feed.poke(shop)
  })
  // what other routes and the outbox report on this instance (a ticket created, claimed, resolved, requeued)
  const off = app.events.onEvent((e) => { if (e.type !== 'message.delivery') feed.poke(e.shopId) })
  app.addHook('onClose', async () => { off(); feed.close() })
}, { name: 'queue-feed', dependencies: ['store', 'outbox'] })
