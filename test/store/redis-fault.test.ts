/**
 * The Redis connection cut mid-run (a TCP proxy between the service and Redis resets every
 * connection and refuses new ones for a while). The non-negotiable under test: a 2xx means the
 * handoff is durable in Redis; otherwise 503 with Retry-After so the platform retries. Answerable
 * messages are still answered while Redis is away, and the service recovers without a restart.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { Redis, ReplyError } from 'ioredis'
import { build, msg } from '../helpers/build.js'
import { createRedisClient, createRedisStore } from '../../src/store/index.js'
import { REDIS_URL, readyClient, redisPrefixes } from '../helpers/redis.js'
import { until } from '../helpers/until.js'
import { TcpProxy } from './tcp-proxy.js'

const newPrefix = redisPrefixes()
const proxies: TcpProxy[] = []
const clients: Redis[] = []
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()))
  for (const c of clients.splice(0)) c.disconnect()
})

interface Outcome { payload: ReturnType<typeof msg>; status: number; body: any; retryAfter?: string | string[] | number }

const SHOP = 'default'
// in the mini rules: no rule answers a parcel-tracking question (a handoff); the return policy is answered
const UNANSWERABLE = '我的快递到哪了'
const ANSWERABLE = '不合适可以退吗'

describe('Redis connection cut mid-run', () => {
  it('acknowledges only durable handoffs, answers what it can meanwhile, and recovers without a restart', async () => {
    const target = new URL(REDIS_URL)
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
    proxies.push(proxy)
    const port = await proxy.listen()
    const prefix = newPrefix()
    const app = await build({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: prefix } })
    const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode
    await until(async () => (await ready()) === 200, 'the service to reach Redis through the proxy')

    const outcomes: Outcome[] = []
    const send = async (payload: ReturnType<typeof msg>): Promise<Outcome> => {
      const res = await app.inject({ method: 'POST', url: '/v1/messages', payload })
      const o = { payload, status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] }
      outcomes.push(o)
      return o
    }

    // a steady stream of handoffs from a few concurrent webhook calls, across the whole run
    let stop = false
    let n = 0
    const sender = async () => { while (!stop) await send(msg(UNANSWERABLE, { conversationId: `fault-${n++}` })) }
    const senders = Array.from({ length: 4 }, sender)
    const count = (status: number) => outcomes.filter((o) => o.status === status).length

    try {
      await until(() => count(200) >= 20, 'handoffs before the cut')
      proxy.cut()
      await until(async () => (await ready()) === 503, 'the service to notice Redis is gone')

      // while Redis is unreachable: answered without state, handoffs refused for a retry
      const answered = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(ANSWERABLE) })
      expect(answered.statusCode).toBe(200)
      expect(answered.json()).toMatchObject({ action: 'reply', degraded: true, matched: [{ intent: 'return_policy' }] })
      const refused = await send(msg(UNANSWERABLE, { conversationId: 'during-outage' }))
      expect(refused).toMatchObject({ status: 503, retryAfter: expect.any(String), body: { code: 'AR_ERR_STORE_UNAVAILABLE' } })

      proxy.restore()
      // no restart: the same app instance takes handoffs again once its client has reconnected
      await until(async () => (await send(msg(UNANSWERABLE, { conversationId: `after-${n++}` }))).status === 200, 'handoffs to work again', 15_000)
      const after = count(200)
      await until(() => count(200) >= after + 20, 'the stream to continue after the outage')
    } finally {
      stop = true
      await Promise.all(senders)
    }

    // every response was one of the two allowed outcomes
    for (const o of outcomes) {
      if (o.status === 200) {
        expect(o.body).toMatchObject({ action: 'handoff', handoff: { ticketId: expect.any(String) } })
      } else {
        expect(o).toMatchObject({ status: 503, retryAfter: expect.any(String), body: { code: 'AR_ERR_STORE_UNAVAILABLE' } })
      }
    }
    expect(count(503)).toBeGreaterThan(0)

    // every acknowledged handoff is in Redis, with the buyer's message in its chat
    const r = new Redis(REDIS_URL)
    try {
      const base = `${prefix}{${SHOP}}:`
      for (const o of outcomes.filter((x) => x.status === 200)) {
        const id = o.body.handoff.ticketId as string
        expect(await r.hget(`${base}ticket:${id}`, 'conversationId')).toBe(o.payload.conversationId)
        const chat = (await r.lrange(`${base}chat:${id}`, 0, -1)).map((c) => JSON.parse(c).messageId)
        expect(chat).toContain(o.payload.messageId)
      }

      // the platform retries what was refused: each gets its ticket, and none is queued twice
      // (a commit that reached Redis just before the cut is replayed, not repeated)
      for (const o of outcomes.filter((x) => x.status === 503)) {
        const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: o.payload })
        expect(res.statusCode).toBe(200)
        expect(await r.hget(`${base}ticket:${res.json().handoff.ticketId}`, 'conversationId')).toBe(o.payload.conversationId)
      }
      const conversations = new Set(outcomes.map((o) => o.payload.conversationId))
      expect(await r.zcard(`${base}waiting`)).toBe(conversations.size)
    } finally {
      r.disconnect()
    }
  })
})

describe('Redis up but refusing writes', () => {
  // what Redis 7 answers a script's write at maxmemory with noeviction, on a replica-less primary
  // with min-replicas-to-write, and when stop-writes-on-bgsave-error is tripped
  const refusals = [
    ['out of memory', "OOM command not allowed when used memory > 'maxmemory'. script: ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1."],
    ['too few replicas', 'NOREPLICAS Not enough good replicas to write.'],
    ['snapshots failing', 'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.']
  ] as const
  it.each(refusals)('%s: answers what it can (degraded), refuses handoffs with 503', async (_name, refusal) => {
    const redis = await readyClient()
    clients.push(redis)
    const prefix = newPrefix()
    const store = createRedisStore({ redis, prefix })
    // reads still work in these states; the commit script is the write that gets refused
    const scripts = redis as unknown as Record<string, unknown>
    scripts.ar_commit = () => Promise.reject(new ReplyError(refusal))
    const app = await build({ store })

    const answered = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(ANSWERABLE) })
    expect(answered.statusCode).toBe(200)
    expect(answered.json()).toMatchObject({ action: 'reply', degraded: true, matched: [{ intent: 'return_policy' }] })
    const refused = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(UNANSWERABLE) })
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['retry-after']).toEqual(expect.any(String))
    expect(refused.json().code).toBe('AR_ERR_STORE_UNAVAILABLE')
  })
})

describe('Redis not connected yet', () => {
  it('a freshly started instance waits for its first connection instead of refusing its first messages', async () => {
    // the client fails fast while disconnected (no offline queue); right after start it is still connecting
    const redis = createRedisClient(REDIS_URL)
    clients.push(redis)
    expect(redis.status).not.toBe('ready')
    const prefix = newPrefix()
    const store = createRedisStore({ redis, prefix })
    const now = Date.now()
    expect(await store.getConversation(SHOP, 'c1', now)).toEqual({})
    const r = await store.commit({
      shopId: SHOP, conversationId: 'c1', buyerId: 'b', messageId: 'm1', now, lastSeenAt: now,
      chat: [{ role: 'buyer', text: UNANSWERABLE, at: now }], handoff: { reason: 'unmatched', priority: 'normal' }, body: null
    })
    expect(r.ticket).toMatchObject({ created: true, position: 0 })
  })
})
