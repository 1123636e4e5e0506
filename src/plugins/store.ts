/**
 * The store: Redis when REDIS_URL is set, otherwise the embedded in-process store (demo mode,
 * announced with a warning because nothing survives a restart and instances share nothing).
 */
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { Store } from '../store/types.js'
import { createEmbeddedStore, createRedisClient, createRedisStore } from '../store/index.js'

declare module 'fastify' {
  interface FastifyInstance { store: Store; redis: Redis | null }
}

export interface StorePluginOptions {
  redisUrl?: string
  prefix: string
  claimTimeoutMs: number
  historyTtlMs?: number
  /** a ready store (tests) */
  store?: Store
}

export default fp<StorePluginOptions>(async (app, opts) => {
  if (opts.store) {
    app.decorate('store', opts.store)
    app.decorate('redis', null)
    return
  }
  if (opts.redisUrl) {
    const redis = createRedisClient(opts.redisUrl)
    // ioredis reports every failed reconnect; once per outage in the service's own log is enough
    // (without a listener it prints "Unhandled error event" to stderr, outside pino)
    let down = false
    redis.on('error', (err: Error) => {
      if (down) return
      down = true
      app.log.warn({ err: err.message }, 'Redis unreachable: answering what the rules can, refusing handoffs with 503 until it is back')
    })
    redis.on('ready', () => {
      if (!down) return
      down = false
      app.log.info('Redis reachable again')
    })
    app.decorate('redis', redis)
    app.decorate('store', createRedisStore({ redis, prefix: opts.prefix, claimTimeoutMs: opts.claimTimeoutMs, historyTtlMs: opts.historyTtlMs }))
    app.addHook('onClose', async () => { await app.store.close(); redis.disconnect() })
    app.log.info({ prefix: opts.prefix }, 'store: Redis')
    return
  }
  app.log.warn('REDIS_URL is not set: running on the embedded in-process store (demo mode). Conversations and the handoff queue live in this process only and are lost on restart.')
  app.decorate('redis', null)
  app.decorate('store', createEmbeddedStore({ claimTimeoutMs: opts.claimTimeoutMs, historyTtlMs: opts.historyTtlMs }))
  app.addHook('onClose', async () => { await app.store.close() })
}, { name: 'store' })
