/**
 * The sorted set behind the embedded queue, against a plain sorted array as the model: after any
 * sequence of adds, moves and removals its order, ranks, counts and ranges are the model's.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { ZSet } from '../../../src/store/embedded/zset.js'

type Op = { add: [string, number] } | { remove: string }

function model (ops: Op[]): Array<[string, number]> {
  const m = new Map<string, number>()
  for (const op of ops) if ('add' in op) m.set(op.add[0], op.add[1]); else m.delete(op.remove)
  return [...m].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'aa', '')
const score = fc.integer({ min: -5, max: 5 })
const ops = fc.array(fc.oneof(
  fc.tuple(member, score).map(([m, s]): Op => ({ add: [m, s] })),
  member.map((m): Op => ({ remove: m }))
), { maxLength: 60 })

describe('ZSet', () => {
  it('orders by score then member, as a Redis ZSET, with ranks, counts and ranges to match', () => {
    fc.assert(fc.property(ops, score, score, fc.nat(12), fc.nat(12), (list, lo, hi, start, limit) => {
      const z = new ZSet()
      for (const op of list) if ('add' in op) z.add(...op.add); else z.remove(op.remove)
      const sorted = model(list)
      expect(z.size).toBe(sorted.length)
      expect(z.range(0, Infinity)).toEqual(sorted.map(([m]) => m))
      sorted.forEach(([m, s], i) => { expect(z.rank(m)).toBe(i); expect(z.score(m)).toBe(s) })
      expect(z.rank('absent')).toBeUndefined()
      const inRange = sorted.filter(([, s]) => s >= lo && s <= hi)
      expect(z.count(lo, hi)).toBe(inRange.length)
      expect(z.rangeByScore(lo, hi, limit)).toEqual(inRange.slice(0, limit).map(([m]) => m))
      expect(z.range(start, limit)).toEqual(sorted.slice(start, start + limit).map(([m]) => m))
      expect(z.first()).toEqual(sorted[0] ? { member: sorted[0][0], score: sorted[0][1] } : undefined)
    }), { numRuns: 500 })
  })

  it('counts open-ended ranges and removes a range by score', () => {
    const z = new ZSet()
    for (let i = 0; i < 1000; i++) z.add(`t${i}`, i)
    expect(z.count(-Infinity, Infinity)).toBe(1000)
    expect(z.count(990, Infinity)).toBe(10)
    expect(z.count(-Infinity, 9)).toBe(10)
    expect(z.count(5, 4)).toBe(0)
    expect(z.removeRangeByScore(-Infinity, 499)).toBe(500)
    expect(z.size).toBe(500)
    expect(z.first()).toEqual({ member: 't500', score: 500 })
    expect(z.rank('t999')).toBe(499)
  })
})
