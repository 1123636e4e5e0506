/**
 * access_token sharing: instances on one Redis fetch once between them (WeChat invalidates the
 * previous token when a new one is issued), refresh before expiry, and drop a token only if it is
 * still the cached one.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { createTokenCache, type TokenSource } from '../../src/channels/access-token.js'
import { createEmbeddedChannelState, createRedisChannelState } from '../../src/channels/state/index.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
})

function source (expiresInS = 7200): TokenSource & { calls: number } {
  let release!: () => void
  const gate = new Promise<void>((r) => { release = r })
  setImmediate(release)
  const src = {
    key: 'wechat:wx2c2769f8efd9abc2',
    calls: 0,
    async fetch () {
      src.calls++
      await gate
      return { token: `tok-${src.calls}`, expiresInS }
    }
  }
  return src
}

describe('access_token cache', () => {
  it('two instances on the real Redis fetch one token between them', async () => {
    const prefix = newPrefix()
    const [r1, r2] = [await readyClient(), await readyClient()]
    clients.push(r1, r2)
    const a = createTokenCache(createRedisChannelState(r1, prefix))
    const b = createTokenCache(createRedisChannelState(r2, prefix))
    const src = source()
    const tokens = await Promise.all([a.get(src), b.get(src), a.get(src), b.get(src)])
    expect(new Set(tokens)).toEqual(new Set(['tok-1']))
    expect(src.calls).toBe(1)
  })

  it('refreshes five minutes before expiry, and on invalidation only if still cached', async () => {
    let now = 1_000_000
    const cache = createTokenCache(createEmbeddedChannelState(() => now), { now: () => now })
    const src = source(600)
    expect(await cache.get(src)).toBe('tok-1')
    now += 290_000
    expect(await cache.get(src)).toBe('tok-1')
    now += 20_000 // inside the last five minutes
    expect(await cache.get(src)).toBe('tok-2')
    await cache.invalidate(src, 'tok-1') // stale report from a slow caller: keeps tok-2
    expect(await cache.get(src)).toBe('tok-2')
    await cache.invalidate(src, 'tok-2')
    expect(await cache.get(src)).toBe('tok-3')
  })
})
