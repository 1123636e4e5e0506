/**
 * Issue #14, item 1, against the real Redis: buyer text of any shape — lone surrogates (half an
 * emoji), control characters, emoji, long text, numbers for ids — never gives a 5xx, and nothing is
 * half-written: every ticket has its chat and its place, every conversation's ticket exists.
 * 20,000 bodies through the HTTP edge, a few at a time; a seeded generator so a failure reproduces.
 */
import { describe, it, expect } from 'vitest'
import type { Redis } from 'ioredis'
import { build, DEMO_RULES } from '../helpers/build.js'
import { REDIS_URL, keysUnder, readyClient, redisPrefixes } from '../helpers/redis.js'
import { createRedisStore } from '../../src/store/index.js'

const BODIES = 20_000
const CONCURRENCY = 16
const newPrefix = redisPrefixes()

/** mulberry32: small, seeded, good enough to spread inputs */
function rng (seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PIECES = ['我的快递到哪了', '包邮吗', '投诉', '转人工', '退货', '999', '165 110斤', '😀', '\uD83D', '\uDE00', '\u0000', '\u0007', '\u001b', '\u200b', '\\', '"', '\n', '{position}', 'a', '　', '[捂脸]', '\uFFFF', '\u0085']

function body (next: () => number, i: number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!
  let text = ''
  const parts = 1 + Math.floor(next() * 6)
  for (let p = 0; p < parts; p++) text += pick(PIECES)
  // a quarter of the conversations repeat, so appends to open tickets are fuzzed too
  const conv = next() < 0.25 ? `c${Math.floor(next() * 50)}` : `c-${i}`
  const msg: Record<string, unknown> = {
    messageId: next() < 0.1 ? i : `m-${i}`,
    conversationId: conv,
    buyerId: pick(['b1', 'b2', `b-${i}`]),
    text,
    ...(next() < 0.05 ? { type: pick(['image', 'enter', 'order']) } : {})
  }
  // JSON.stringify escapes lone surrogates as \udxxx: exactly what platforms send
  return JSON.stringify(msg)
}

describe('fuzzing the webhook on the real Redis', () => {
  it(`${BODIES} bodies with surrogates and control characters: 0 × 5xx and no partial state`, async () => {
    const prefix = newPrefix()
    const app = await build({ rules: DEMO_RULES, env: { REDIS_URL, REDIS_PREFIX: prefix } })
    const next = rng(14)
    const statuses = new Map<number, number>()
    const fivexx: string[] = []
    let i = 0
    const worker = async () => {
      while (i < BODIES) {
        const n = i++
        const payload = body(next, n)
        const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json' }, payload })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        if (res.statusCode >= 500 && fivexx.length < 5) fivexx.push(`${payload} → ${res.body}`)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect(fivexx).toEqual([])
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(BODIES)
    // control characters and emoji-only text are 400s by design; enough reach the store to mean something
    expect(statuses.get(200) ?? 0).toBeGreaterThan(BODIES / 4)

    // no partial state: every ticket complete and in its place, every conversation's ticket present
    const redis: Redis = await readyClient()
    try {
      const base = `${prefix}{default}:`
      const keys = await keysUnder(base)
      const tickets = keys.filter((k) => /:ticket:[^:]+$/.test(k))
      expect(tickets.length).toBeGreaterThan(0)
      const waiting = new Set(await redis.zrange(`${base}waiting`, '0', '-1'))
      for (const t of tickets) {
        const id = t.slice(t.lastIndexOf(':') + 1)
        const h = await redis.hgetall(t)
        expect(h.conversationId, t).toBeTruthy()
        expect(await redis.llen(`${base}chat:${id}`), `chat of ${id}`).toBeGreaterThan(0)
        expect(waiting.has(id), `${id} in the waiting set`).toBe(true)
        expect(await redis.hget(`${base}conv:${h.conversationId}`, 'ticketId')).toBe(id)
      }
      for (const id of waiting) expect(await redis.exists(`${base}ticket:${id}`), id).toBe(1)
      for (const c of keys.filter((k) => /:conv:/.test(k))) {
        const id = await redis.hget(c, 'ticketId')
        if (id) expect(await redis.exists(`${base}ticket:${id}`), c).toBe(1)
      }
    } finally {
      redis.disconnect()
    }
  }, 600_000)

  it('a chat entry Redis cannot decode is refused before anything is written (the script checks first)', async () => {
    const prefix = newPrefix()
    const redis = await readyClient()
    try {
      const store = createRedisStore({ redis, prefix })
      // straight to the store, past the edge: the lone surrogate reaches the script as its escape
      const bad = { role: 'buyer' as const, text: '我的快递\uD83D', at: Date.now() }
      await expect(store.commit({ shopId: 'default', conversationId: 'c1', buyerId: 'b1', messageId: 'm1', now: Date.now(), lastSeenAt: Date.now(), chat: [bad], handoff: { reason: 'unmatched', priority: 'normal' }, body: {} })).rejects.toThrow()
      expect(await keysUnder(prefix)).toEqual([])
    } finally {
      redis.disconnect()
    }
  })
})
