/** One contract for the channels' state, run on the embedded store and on the real Redis (random prefix). */
import { afterEach, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { createEmbeddedChannelState, createRedisChannelState, type ChannelState } from '../../src/channels/state/index.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
})

const factories: Array<[string, () => Promise<ChannelState>]> = [
  ['embedded', async () => createEmbeddedChannelState()],
  ['redis', async () => {
    const redis = await readyClient()
    clients.push(redis)
    const p = newPrefix()
    return createRedisChannelState(redis, p)
  }]
]

describe.each(factories)('channel state (%s)', (_name, make) => {
  it('get / set / del, and setIfAbsent only once', async () => {
    const s = await make()
    expect(await s.get('a')).toBeNull()
    await s.set('a', '1')
    expect(await s.get('a')).toBe('1')
    expect(await s.setIfAbsent('lock', 'me', 60_000)).toBe(true)
    expect(await s.setIfAbsent('lock', 'you', 60_000)).toBe(false)
    expect(await s.get('lock')).toBe('me')
    await s.del('a')
    expect(await s.get('a')).toBeNull()
  })

  it('deleteIfEquals leaves a value another writer replaced', async () => {
    const s = await make()
    await s.set('token', 'new')
    expect(await s.deleteIfEquals('token', 'old')).toBe(false)
    expect(await s.get('token')).toBe('new')
    expect(await s.deleteIfEquals('token', 'new')).toBe(true)
    expect(await s.get('token')).toBeNull()
  })

  it('a value set with a TTL expires', async () => {
    const s = await make()
    await s.set('short', 'x', 1)
    const deadline = Date.now() + 2000
    while (await s.get('short') !== null && Date.now() < deadline) await new Promise((r) => setImmediate(r))
    expect(await s.get('short')).toBeNull()
  })

  it('a window: closed before the buyer writes, then `limit` sends, a given-back slot reusable', async () => {
    const s = await make()
    expect(await s.takeSlot('w', 2)).toBe('closed')
    await s.openWindow('w', 60_000)
    expect(await s.takeSlot('w', 2)).toBe('ok')
    expect(await s.takeSlot('w', 2)).toBe('ok')
    expect(await s.takeSlot('w', 2)).toBe('full')
    await s.giveSlot('w')
    expect(await s.takeSlot('w', 2)).toBe('ok')
    // the buyer writes again: a fresh window
    await s.openWindow('w', 60_000)
    expect(await s.takeSlot('w', 2)).toBe('ok')
  })

  it('concurrent takes never exceed the limit', async () => {
    const s = await make()
    await s.openWindow('w2', 60_000)
    const results = await Promise.all(Array.from({ length: 12 }, () => s.takeSlot('w2', 5)))
    expect(results.filter((r) => r === 'ok')).toHaveLength(5)
  })
})
