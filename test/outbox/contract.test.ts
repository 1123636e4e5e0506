/**
 * The outbox contract: the same behavioural tests against the embedded outbox and the Redis one, on
 * one real server and on a real local Redis Cluster (a random key prefix per test, keys deleted
 * afterwards), as test/store/contract.
 * Simulated time (`now`) stands in for lapsing leases and backoff, so nothing sleeps.
 */
import { describe, it, expect, afterEach } from 'vitest'
import type { Cluster, Redis } from 'ioredis'
import { createEmbeddedOutbox, createRedisOutbox, type OutboundMessage, type Outbox, type OutboxOptions } from '../../src/outbox/index.js'
import { clusterKeysUnder, clusterPrefixes, keysUnder, readyClient, readyClusterClient, redisPrefixes, usesCluster } from '../helpers/redis.js'

const newPrefix = redisPrefixes()
usesCluster()
const newClusterPrefix = clusterPrefixes()
const clients: Array<Redis | Cluster> = []
const boxes: Outbox[] = []
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()))
  for (const c of clients.splice(0)) c.disconnect()
})

const kinds = [
  ['embedded', async (o: OutboxOptions) => ({ box: createEmbeddedOutbox(o), prefix: '' })],
  ['redis', async (o: OutboxOptions) => {
    const redis = await readyClient()
    clients.push(redis)
    const prefix = newPrefix()
    return { box: createRedisOutbox({ redis, prefix, ...o }), prefix }
  }],
  ['redis-cluster', async (o: OutboxOptions) => {
    const redis = await readyClusterClient()
    clients.push(redis)
    const prefix = newClusterPrefix()
    return { box: createRedisOutbox({ redis, prefix, ...o }), prefix, cluster: true }
  }]
] as const

const SHOP = 'default'
let seq = 0
const message = (extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: `out-${++seq}`, shopId: SHOP, conversationId: 'c1', buyerId: 'b1', channel: 'webhook', role: 'agent', text: '亲，已经帮您查到了', sentAt: Date.now(), ticketId: 't1', agentId: 'alice', ...extra
})

describe.each(kinds)('outbox contract (%s)', (kind, create) => {
  const open = async (o: OutboxOptions = {}) => {
    const made = await create(o)
    boxes.push(made.box)
    return made
  }

  it('hands each message to one sender, in order, and once sent never again', async () => {
    const { box } = await open()
    const a = message()
    const b = message({ text: '第二条' })
    expect(await box.enqueue(a)).toEqual({ duplicate: false })
    await box.enqueue(b)
    const first = await box.take(SHOP, 'i1', 10)
    expect(first.map((l) => [l.message, l.attempt])).toEqual([[a, 1], [b, 1]])
    // another sender gets nothing while the leases hold
    expect(await box.take(SHOP, 'i2', 10)).toEqual([])
    expect(await box.sent(first[0]!)).toBe(true)
    expect(await box.sent(first[1]!)).toBe(true)
    // settled: a second report changes nothing
    expect(await box.sent(first[0]!)).toBe(false)
    expect(await box.take(SHOP, 'i2', 10, Date.now() + 3_600_000)).toEqual([])
    expect(await box.status(SHOP, a.id)).toMatchObject({ status: 'sent', attempts: 1 })
    expect(await box.stats(SHOP)).toEqual({ depth: 0, oldestAgeMs: 0, sent: 2, failed: 0 })
  })

  it('enqueue is idempotent on the id: a retried request queues one message', async () => {
    const { box } = await open()
    const m = message()
    await box.enqueue(m)
    expect(await box.enqueue({ ...m, text: 'changed' })).toEqual({ duplicate: true })
    const taken = await box.take(SHOP, 'i1', 10)
    expect(taken.map((l) => l.message.text)).toEqual([m.text])
    await box.sent(taken[0]!)
    // even after it was sent
    expect(await box.enqueue(m)).toEqual({ duplicate: true })
    expect(await box.take(SHOP, 'i1', 10)).toEqual([])
  })

  it('a sender that dies mid-send leaves the message to another once its lease lapses', async () => {
    const { box } = await open({ leaseMs: 30_000 })
    const m = message()
    await box.enqueue(m)
    const T = Date.now()
    const lost = await box.take(SHOP, 'dead-instance', 10, T)
    expect(lost).toHaveLength(1)
    expect(await box.take(SHOP, 'i2', 10, T + 10_000)).toEqual([])
    const taken = await box.take(SHOP, 'i2', 10, T + 31_000)
    expect(taken.map((l) => [l.message.id, l.attempt, l.consumer])).toEqual([[m.id, 2, 'i2']])
    // the dead instance's late reports cannot reschedule or dead-letter what i2 is sending
    expect(await box.retry(lost[0]!, 'late', 1000)).toBe(false)
    expect(await box.fail(lost[0]!, 'late')).toBe(false)
    expect(await box.sent(taken[0]!)).toBe(true)
    expect(await box.stats(SHOP)).toMatchObject({ depth: 0, sent: 1 })
  })

  it('retries after the backoff, not before, and keeps the reason', async () => {
    const { box } = await open()
    const m = message()
    await box.enqueue(m)
    const T = Date.now()
    const [l1] = await box.take(SHOP, 'i1', 10, T)
    expect(await box.retry(l1!, 'HTTP 500', 5000, T)).toBe(true)
    expect(await box.status(SHOP, m.id)).toMatchObject({ status: 'queued', attempts: 1, reason: 'HTTP 500' })
    expect(await box.take(SHOP, 'i2', 10, T + 4000)).toEqual([])
    const [l2] = await box.take(SHOP, 'i2', 10, T + 5000)
    expect(l2).toMatchObject({ message: m, attempt: 2 })
    const stats = await box.stats(SHOP, T + 6000)
    expect(stats).toMatchObject({ depth: 1, sent: 0, failed: 0 })
    expect(stats.oldestAgeMs).toBeGreaterThanOrEqual(6000 - 1000)
    expect(await box.sent(l2!)).toBe(true)
    expect(await box.status(SHOP, m.id)).toEqual({ status: 'sent', attempts: 2, at: expect.any(Number) })
  })

  it('fail puts the message on the dead-letter list with the reason; it is not sent again', async () => {
    const { box } = await open()
    const m = message()
    await box.enqueue(m)
    await box.enqueue(message({ id: 'other', text: 'ok' }))
    const [l, other] = await box.take(SHOP, 'i1', 10)
    expect(await box.fail(l!, 'gave up after 8 tries: HTTP 502')).toBe(true)
    await box.sent(other!)
    expect(await box.deadLetters(SHOP, 10)).toEqual([{ message: m, reason: 'gave up after 8 tries: HTTP 502', attempts: 1, at: expect.any(Number) }])
    expect(await box.status(SHOP, m.id)).toMatchObject({ status: 'failed', reason: 'gave up after 8 tries: HTTP 502' })
    expect(await box.stats(SHOP)).toMatchObject({ depth: 0, sent: 1, failed: 1 })
    expect(await box.take(SHOP, 'i1', 10, Date.now() + 3_600_000)).toEqual([])
    expect(await box.sent(l!)).toBe(false)
  })

  it('keeps shops apart', async () => {
    const { box } = await open()
    await box.enqueue(message({ shopId: 'shop-a' }))
    expect(await box.take('shop-b', 'i1', 10)).toEqual([])
    expect(await box.take('shop-a', 'i1', 10)).toHaveLength(1)
    expect(await box.stats('shop-b')).toEqual({ depth: 0, oldestAgeMs: 0, sent: 0, failed: 0 })
  })

  it('retention is bounded: every key it writes expires or stays small', async () => {
    const { box, prefix } = await open({ retentionMs: 60_000 })
    if (!prefix) return expect(box.kind).toBe('embedded')
    const m = message()
    await box.enqueue(m)
    const [l] = await box.take(SHOP, 'i1', 10)
    await box.sent(l!)
    const r = kind === 'redis-cluster' ? await readyClusterClient() : await readyClient()
    clients.push(r)
    const keys = kind === 'redis-cluster' ? (await clusterKeysUnder(prefix)).map((k) => k.key) : await keysUnder(prefix)
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      const ttl = await r.pttl(key)
      // the per-message record expires; the stream is emptied by XDEL; the counters are one small hash
      if (key.includes(':outbox:msg:')) expect(ttl).toBeGreaterThan(0)
      else if (key.endsWith(':outbox')) expect(await r.xlen(key)).toBe(0)
      else expect(key).toMatch(/:outbox:counts$/)
    }
  })
})
