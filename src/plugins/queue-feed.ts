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
  // a callback hook: an async one costs every request a promise (see app.ts)
  app.addHook('onResponse', (req, reply, done) => {
    if (req.method === 'POST' && reply.statusCode < 400 && feed.subscribers() > 0 && CHANGES.test(req.url.slice(0, 20))) {
      const body = req.body as { shopId?: unknown } | undefined
      const params = req.params as { shopId?: unknown } | undefined
      feed.poke(typeof body?.shopId === 'string' ? body.shopId : typeof params?.shopId === 'string' ? params.shopId : DEFAULT_SHOP)
    }
    done()
  })
  // what other routes and the outbox report on this instance (a ticket created, claimed, resolved, requeued)
  const off = app.events.onEvent((e) => { if (e.type !== 'message.delivery') feed.poke(e.shopId) })
  app.addHook('onClose', async () => { off(); feed.close() })
}, { name: 'queue-feed', dependencies: ['store', 'outbox'] })
