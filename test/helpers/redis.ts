/**
 * HTTP tests that run on both stores: the embedded one, and the real Redis under a random key
 * prefix per test, removed with SCAN after each test (the server is shared with other tests).
 */
import { afterEach } from 'vitest'
import type { Redis } from 'ioredis'
import { deleteKeys, newPrefix, readyClient, REDIS_URL } from '../store/helpers.js'
import { createEmbeddedStore, createRedisStore, type Store } from '../../src/store/index.js'

export { REDIS_URL }

/** A fresh Redis key prefix for this test, deleted after it. Call at module level to register cleanup. */
export function redisPrefixes (): () => string {
  const prefixes: string[] = []
  afterEach(async () => { await deleteKeys(prefixes.splice(0)) })
  return () => {
    const p = newPrefix()
    prefixes.push(p)
    return p
  }
}

/** For describe.each: [name, env for build()] of each store. */
export function bothStores () {
  const prefix = redisPrefixes()
  return [
    ['embedded', (): Record<string, string> => ({})],
    ['redis', (): Record<string, string> => ({ REDIS_URL, REDIS_PREFIX: prefix() })]
  ] as const
}

/** For describe.each over the stores themselves (no app): each call makes a fresh store, closed after the test. */
export function storeFactories (): Array<[string, () => Promise<Store>]> {
  const prefix = redisPrefixes()
  const clients: Redis[] = []
  afterEach(() => { for (const c of clients.splice(0)) c.disconnect() })
  return [
    ['embedded', async () => createEmbeddedStore()],
    ['redis', async () => {
      const redis = await readyClient()
      clients.push(redis)
      return createRedisStore({ redis, prefix: prefix() })
    }]
  ]
}
