/**
 * The store: Redis when REDIS_URL (one server) or REDIS_CLUSTER_NODES (a Redis Cluster) is set,
 * otherwise the embedded in-process store (demo mode, announced with a warning because nothing
 * survives a restart and instances share nothing).
 */
import fp from 'fastify-plugin'
import type { Store } from '../store/types.js'
import { createClient, createEmbeddedStore, createRedisStore, isCluster, type RedisClient, type RedisTarget } from '../store/index.js'
import { describeTarget } from '../store/redis/client.js'

declare module 'fastify' {
  interface FastifyInstance { store: Store; redis: RedisClient | null }
}

export interface StorePluginOptions {
  /** one server or a cluster's seeds; unset runs the embedded store */
  redis?: RedisTarget
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
  if (opts.redis) {
    const redis = createClient(opts.redis)
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
    if (isCluster(redis)) {
      // a cluster reports a node it cannot reach as 'node error' (the others keep serving their
      // shops): once a minute per node is enough
      const lastWarned = new Map<string, number>()
      redis.on('node error', (err: Error, node: string) => {
        if (Date.now() - (lastWarned.get(node) ?? 0) < 60_000) return
        lastWarned.set(node, Date.now())
        app.log.warn({ err: err.message, node }, 'Redis Cluster node unreachable: its shops are answered where the rules can, their handoffs refused with 503')
      })
    }
    app.decorate<RedisClient | null>('redis', redis)
    app.decorate('store', createRedisStore({ redis, prefix: opts.prefix, claimTimeoutMs: opts.claimTimeoutMs, historyTtlMs: opts.historyTtlMs }))
    app.addHook('onClose', async () => { await app.store.close(); redis.disconnect() })
    app.log.info({ prefix: opts.prefix }, `store: ${describeTarget(opts.redis)}`)
    return
  }
  app.log.warn('Neither REDIS_URL nor REDIS_CLUSTER_NODES is set: running on the embedded in-process store (demo mode). Conversations and the handoff queue live in this process only and are lost on restart.')
  app.decorate('redis', null)
  app.decorate('store', createEmbeddedStore({ claimTimeoutMs: opts.claimTimeoutMs, historyTtlMs: opts.historyTtlMs }))
  app.addHook('onClose', async () => { await app.store.close() })
}, { name: 'store' })
