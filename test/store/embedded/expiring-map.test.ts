/**
 * Expiry as a Redis key with a TTL set on every write, on an injected clock: a read never returns
 * an expired entry, a write starts the TTL again, and purging drops only expired entries, at most
 * the number asked for.
 */
import { describe, it, expect } from 'vitest'
import { ExpiringMap } from '../../../src/store/embedded/expiring-map.js'

describe('ExpiringMap', () => {
  it('expires an entry its TTL after its last write', () => {
    let now = 1_000
    const m = new ExpiringMap<string, number>(100, () => now)
    m.set('a', 1)
    now = 1_050
    m.set('b', 2)
    expect(m.get('a')).toBe(1)
    now = 1_099
    m.set('a', 3) // rewritten: its TTL starts again
    now = 1_160
    expect(m.get('b')).toBeUndefined()
    expect(m.get('a')).toBe(3)
    now = 1_199
    expect(m.get('a')).toBeUndefined()
  })

  it('purges expired entries only, from the oldest, bounded per call', () => {
    let now = 0
    const m = new ExpiringMap<number, number>(1_000, () => now)
    for (let i = 0; i < 100; i++) { now = i; m.set(i, i) }
    now = 1_049 // entries written at 0..49 have expired
    expect(m.purge(20)).toBe(20)
    expect(m.size).toBe(80)
    expect(m.purge(1_000)).toBe(30)
    expect(m.size).toBe(50)
    expect(m.purge(1_000)).toBe(0)
    expect(m.get(50)).toBe(50)
  })
})

describe('ExpiringMap against a plain model', () => {
  // The slots are renumbered when they run out (moved to the front, or doubled): random writes,
  // deletes, reads and purges on a random clock, checked step by step against a Map of expiries.
  it('answers as a Map of { value, expires } would, through every move of its slots', () => {
    let seed = 7
    const rand = (n: number) => { seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; return seed % n }
    let now = 0
    const ttl = 50
    const m = new ExpiringMap<number, number>(ttl, () => now)
    const model = new Map<number, { value: number; expires: number }>()
    for (let step = 0; step < 20_000; step++) {
      now += rand(3)
      const key = rand(300)
      const op = rand(10)
      if (op < 5) {
        m.set(key, step)
        model.set(key, { value: step, expires: now + ttl })
      } else if (op < 6) {
        expect(m.delete(key)).toBe(model.delete(key))
      } else if (op < 9) {
        const e = model.get(key)
        const live = e && e.expires > now ? e.value : undefined
        if (e && !live) model.delete(key)
        expect(m.get(key)).toBe(live)
      } else {
        const limit = rand(5)
        const expired = [...model].filter(([, e]) => e.expires <= now).sort((a, b) => a[1].expires - b[1].expires)
        const n = m.purge(limit)
        expect(n).toBe(Math.min(limit, expired.length))
        for (const [k] of expired.slice(0, n)) model.delete(k)
      }
      expect(m.size).toBe(model.size)
    }
  })

  it('keeps its slots in proportion to its entries when keys are written again and again', () => {
    let now = 0
    const m = new ExpiringMap<string, number>(1_000_000, () => now)
    for (let i = 0; i < 100_000; i++) { now++; m.set(`k${i % 10}`, i) }
    expect(m.size).toBe(10)
    expect((m as unknown as { expires: Float64Array }).expires.length).toBeLessThanOrEqual(64)
  })
})
