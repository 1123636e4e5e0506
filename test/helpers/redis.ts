/**
 * The tests' use of the one real Redis: a random key prefix per test, removed with SCAN after it
 * (the server is shared with other tests), a connected production client, and the stores to run
 * a test on both ways.
 */
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { afterEach } from 'vitest'
import { Redis } from 'ioredis'
import { createEmbeddedStore, createRedisClient, createRedisStore, type Store } from '../../src/store/index.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function newPrefix (): string {
  return `test:${randomUUID()}:`
}

/** SCAN, not KEYS: the server is shared with other tests and must not be blocked. */
async function scanEach (r: Redis, prefix: string, each: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length) await each(keys)
  } while (cursor !== '0')
}

export async function deleteKeys (prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return
  const r = new Redis(REDIS_URL)
  try {
    for (const p of prefixes) await scanEach(r, p, (keys) => r.unlink(...keys))
  } finally {
    r.disconnect()
  }
}

export async function keysUnder (prefix: string): Promise<string[]> {
  const r = new Redis(REDIS_URL)
  try {
    const found: string[] = []
    await scanEach(r, prefix, async (keys) => { found.push(...keys) })
    return found
  } finally {
    r.disconnect()
  }
}

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

/**
 * The service's own client (no offline queue, so it fails fast while disconnected), returned once
 * connected: before 'ready' its commands would be refused rather than queued.
 */
export async function readyClient (url = REDIS_URL): Promise<Redis> {
  const redis = createRedisClient(url)
  if (redis.status !== 'ready') await once(redis, 'ready')
  return redis
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
