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
