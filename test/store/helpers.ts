/**
 * Shared by the store tests: a random key prefix per test on the one real Redis, cleanup by SCAN,
 * a connected production client, and a bounded poll (tests never sleep a fixed time to wait).
 */
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { createRedisClient } from '../../src/store/index.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function newPrefix (): string {
  return `test:${randomUUID()}:`
}

/** SCAN, not KEYS: the server is shared with other tests and must not be blocked. */
export async function deleteKeys (prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return
  const r = new Redis(REDIS_URL)
  try {
    for (const p of prefixes) {
      let cursor = '0'
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000)
        cursor = next
        if (keys.length) await r.unlink(...keys)
      } while (cursor !== '0')
    }
  } finally {
    r.disconnect()
  }
}

export async function keysUnder (prefix: string): Promise<string[]> {
  const r = new Redis(REDIS_URL)
  try {
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      found.push(...keys)
    } while (cursor !== '0')
    return found
  } finally {
    r.disconnect()
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

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function until<T> (probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}
