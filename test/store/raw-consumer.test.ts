/**
 * A desk in another language that claims straight from Redis, as the README documents:
 * XREADGROUP GROUP agents on q:urgent then q:normal (claim), XCLAIM … JUSTID (heartbeat), XACK
 * (resolve). The service must treat those exactly like its own HTTP claims: the bot goes silent,
 * messages are appended, an HTTP claim never hands out the same chat, a vanished desk's chat goes
 * back to the queue in its place, and XACK gives the conversation back to the bot. Real Redis (one
 * server, and a local 3-master Redis Cluster with a cluster client for the desk: a shop's streams
 * and hashes share its slot, so the desk's commands go to one node), a raw ioredis client for the desk.
 * @see https://redis.io/docs/latest/commands/xreadgroup/
 * @see https://redis.io/docs/latest/commands/xclaim/
 * @see https://redis.io/docs/latest/commands/xack/
 */
import { describe, it, expect, afterEach } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cluster, Redis } from 'ioredis'
import { build, msg, untilReady } from '../helpers/build.js'
import { createRedisStore } from '../../src/store/index.js'
import type { Store } from '../../src/store/types.js'
import { REDIS_URL, clusterPrefixes, readyClient, readyClusterClient, redisPrefixes, usesCluster } from '../helpers/redis.js'
import { until } from '../helpers/until.js'

const newPrefix = redisPrefixes()
const seeds = usesCluster()
const newClusterPrefix = clusterPrefixes()
const clients: Array<Redis | Cluster> = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
})

const SHOP = 'default'
const NORMAL = { reason: 'unmatched', priority: 'normal' } as const
const URGENT = { reason: 'complaint', priority: 'urgent' } as const

type Kind = 'redis' | 'redis-cluster'
const KINDS: Kind[] = ['redis', 'redis-cluster']

async function setupOn (kind: Kind, claimTimeoutMs = 60_000) {
  const prefix = kind === 'redis' ? newPrefix() : newClusterPrefix()
  const redis = kind === 'redis' ? await readyClient() : await readyClusterClient()
  // the desk's own connection (a cluster client on a cluster: it follows the shop's slot)
  const raw = kind === 'redis' ? new Redis(REDIS_URL) : new Cluster(seeds().split(',').map((s) => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) })))
  clients.push(redis, raw)
  const store = createRedisStore({ redis, prefix, claimTimeoutMs })
  const base = `${prefix}{${SHOP}}:`
  return { store, raw, base, desk: new Desk(raw, base) }
}

let seq = 0
function say (store: Store, conversationId: string, text: string, handoff?: { reason: 'unmatched' | 'complaint'; priority: 'normal' | 'urgent' }) {
  const now = Date.now()
  const messageId = `m-${++seq}`
  return store.commit({
    shopId: SHOP, conversationId, buyerId: `b-${conversationId}`, messageId, now, lastSeenAt: now,
    chat: [{ role: 'buyer', text, at: now, messageId, type: 'text' }], handoff, body: { text }
  })
}

type Read = Array<[string, Array<[string, string[]]>]> | null

/** What the README tells a desk in any language to run, nothing more. */
class Desk {
  constructor (private readonly r: Redis | Cluster, private readonly base: string) {}

  /** XREADGROUP on q:urgent, then q:normal: the entry and its ticket id, or null. */
  async claim (name: string): Promise<{ stream: string; entry: string; ticket: string } | null> {
    for (const p of ['urgent', 'normal']) {
      const stream = `${this.base}q:${p}`
      if (!(await this.r.exists(stream))) continue
      const read = await this.r.xreadgroup('GROUP', 'agents', name, 'COUNT', 1, 'STREAMS', stream, '>') as Read
      const got = read?.[0]?.[1][0]
      if (got) return { stream, entry: got[0], ticket: got[1][got[1].indexOf('ticket') + 1]! }
    }
    return null
  }

  heartbeat (name: string, stream: string, entry: string) {
    // the same command on a Cluster: TypeScript cannot pick an overload on the union
    return (this.r as Redis).xclaim(stream, 'agents', name, 0, entry, 'JUSTID')
  }

  resolve (stream: string, entry: string) {
    return this.r.xack(stream, 'agents', entry)
  }

  /** entry → consumer, for both streams */
  async pending (): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    for (const p of ['urgent', 'normal']) {
      const stream = `${this.base}q:${p}`
      if (!(await this.r.exists(stream))) continue
      for (const [entry, consumer] of await this.r.xpending(stream, 'agents', '-', '+', 1000) as Array<[string, string]>) out.set(entry, consumer)
    }
    return out
  }
}

describe.each(KINDS)('a desk claiming straight from the Redis streams (%s)', (kind) => {
  const setup = (claimTimeoutMs?: number) => setupOn(kind, claimTimeoutMs)
  it('XREADGROUP is a claim: urgent first, the bot silent, messages appended, stats and ticket agree', async () => {
    const { store, desk, raw, base } = await setup()
    const n1 = await say(store, 'n1', '我的快递到哪了', NORMAL)
    const u1 = await say(store, 'u1', '我要投诉', URGENT)

    const got = await desk.claim('desk-1')
    expect(got).toMatchObject({ ticket: u1.ticket!.id, stream: `${base}q:urgent` })
    // the webhook reads the conversation before answering: claimed, so the bot stays silent
    expect((await store.getConversation(SHOP, 'u1', Date.now())).ticket).toEqual({ id: u1.ticket!.id, status: 'claimed', agentId: 'desk-1' })
    expect(await store.getTicket(SHOP, u1.ticket!.id)).toMatchObject({ status: 'claimed', agentId: 'desk-1' })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 1, urgent: 0, claimed: 1, agentsOnline: 1, claimedWithin3mShare: 1 })
    // a buyer message while claimed is appended to the ticket, where the desk reads it
    expect((await say(store, 'u1', '人呢')).ticket).toBeUndefined()
    const chat = (await raw.lrange(`${base}chat:${u1.ticket!.id}`, 0, -1)).map((c) => JSON.parse(c).text)
    expect(chat).toEqual(['我要投诉', '人呢'])
    // the desk's next read is the normal ticket
    expect(await desk.claim('desk-1')).toMatchObject({ ticket: n1.ticket!.id, stream: `${base}q:normal` })
    expect(await desk.claim('desk-1')).toBeNull()
    expect(await store.claim(SHOP, 'alice', 0)).toBeNull()
  })

  it('a desk takes c1, then an HTTP claim gets c2, never c1', async () => {
    const { store, desk } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const c2 = await say(store, 'c2', '能开发票吗', NORMAL)
    const got = await desk.claim('desk-1')
    expect(got!.ticket).toBe(c1.ticket!.id)
    const http = await store.claim(SHOP, 'alice', 0)
    expect(http).toMatchObject({ id: c2.ticket!.id, agentId: 'alice' })
    expect(await store.claim(SHOP, 'bob', 0)).toBeNull()
    // the group agrees: c1's entry with the desk, one other (c2's) with alice
    const pending = await desk.pending()
    expect(pending.get(got!.entry)).toBe('desk-1')
    expect([...pending.values()].sort()).toEqual(['alice', 'desk-1'])
    expect(await store.getTicket(SHOP, c1.ticket!.id)).toMatchObject({ status: 'claimed', agentId: 'desk-1' })
  })

  it('an HTTP claim takes c1 and delivers only c1: the desk\'s XREADGROUP then gets c2', async () => {
    const { store, desk } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const c2 = await say(store, 'c2', '能开发票吗', NORMAL)
    await say(store, 'c3', '发票抬头', NORMAL)
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c1.ticket!.id })
    // exactly one entry pending, alice's
    expect([...(await desk.pending()).values()]).toEqual(['alice'])
    expect((await desk.claim('desk-1'))!.ticket).toBe(c2.ticket!.id)
    expect((await store.getConversation(SHOP, 'c2', Date.now())).ticket).toMatchObject({ status: 'claimed', agentId: 'desk-1' })
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toMatchObject({ status: 'claimed', agentId: 'alice' })
  })

  it('an HTTP claim skips stream entries no ticket refers to rather than deliver one', async () => {
    const { store, desk, raw, base } = await setup()
    const c0 = await say(store, 'c0', '我的快递到哪了', NORMAL)
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c0.ticket!.id })
    // something other than the service wrote to the stream
    const junk = await raw.xadd(`${base}q:normal`, '*', 'ticket', 'not-a-ticket')
    const c1 = await say(store, 'c1', '能开发票吗', NORMAL)
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c1.ticket!.id })
    const pending = await desk.pending()
    expect(pending.has(junk!)).toBe(false)
    expect([...pending.values()]).toEqual(['alice', 'alice'])
    const c2 = await say(store, 'c2', '发票抬头', NORMAL)
    expect((await desk.claim('desk-1'))!.ticket).toBe(c2.ticket!.id)
  })

  it('desks and HTTP agents racing over both streams: every ticket goes to exactly one of them', async () => {
    const { store, desk } = await setup()
    const ids: string[] = []
    for (let i = 0; i < 40; i++) ids.push((await say(store, `race-${i}`, i % 4 === 0 ? '我要投诉' : '我的快递到哪了', i % 4 === 0 ? URGENT : NORMAL)).ticket!.id)
    const got = new Map<string, string[]>()
    const take = (id: string, who: string) => got.set(id, [...(got.get(id) ?? []), who])
    const rawDesk = async (name: string) => {
      for (let t = await desk.claim(name); t && got.size <= 80; t = await desk.claim(name)) take(t.ticket, name)
    }
    const httpAgent = async (name: string) => {
      for (let t = await store.claim(SHOP, name, 0); t && got.size <= 80; t = await store.claim(SHOP, name, 0)) take(t.id, name)
    }
    await Promise.all([...['d1', 'd2', 'd3'].map(rawDesk), ...['a1', 'a2', 'a3'].map(httpAgent)])
    expect([...got.keys()].sort()).toEqual([...ids].sort())
    for (const [id, who] of got) {
      expect(who).toHaveLength(1)
      // and the service agrees on who holds it
      expect(await store.getTicket(SHOP, id)).toMatchObject({ status: 'claimed', agentId: who[0] })
    }
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 40 })
  })

  it('XCLAIM … JUSTID keeps the claim alive; a desk that stops returns the chat to the queue in its place', async () => {
    const { store, desk, raw } = await setup(400)
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const got = (await desk.claim('desk-1'))!
    await say(store, 'c2', '能开发票吗', NORMAL)
    // heartbeats every 100 ms for three claim timeouts: the service keeps it with the desk
    const until3 = Date.now() + 1200
    while (Date.now() < until3) {
      expect(await desk.heartbeat('desk-1', got.stream, got.entry)).toEqual([got.entry])
      expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toMatchObject({ status: 'claimed', agentId: 'desk-1' })
      await sleep(100)
    }
    // the desk vanishes: its chat goes back to the queue, its entry parked, not left with the desk
    await until(async () => (await store.getConversation(SHOP, 'c1', Date.now())).ticket?.status === 'waiting', 'the lapsed raw claim to be requeued')
    const [row] = await raw.xpending(got.stream, 'agents', got.entry, got.entry, 1) as Array<[string, string, number]>
    const [, consumer, idle] = row!
    expect(consumer).toBe('_queue')
    expect(idle).toBeLessThan(400)
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 2, claimed: 0 })
    // ahead of the newer c2, and handed out by the HTTP claim (XREADGROUP '>' delivers an entry once)
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c1.ticket!.id, agentId: 'alice', chat: [{ text: '我的快递到哪了' }] })
    expect((await desk.pending()).get(got.entry)).toBe('alice')
    expect((await desk.claim('desk-2'))!.ticket).not.toBe(c1.ticket!.id)
  })

  it('XACK resolves: the conversation goes back to the bot and a later handoff opens a new ticket', async () => {
    const { store, desk, raw, base } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const got = (await desk.claim('desk-1'))!
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket?.status).toBe('claimed')
    expect(await desk.resolve(got.stream, got.entry)).toBe(1)
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toBeUndefined()
    expect(await store.getTicket(SHOP, c1.ticket!.id)).toBeNull()
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 0 })
    // resolved as the HTTP resolve does: entry deleted, ticket and chat gone
    expect(await raw.xlen(got.stream)).toBe(0)
    expect(await raw.exists(`${base}ticket:${c1.ticket!.id}`, `${base}chat:${c1.ticket!.id}`)).toBe(0)
    const next = await say(store, 'c1', '又有问题', NORMAL)
    expect(next.ticket).toMatchObject({ created: true, position: 0 })
    expect(next.ticket!.id).not.toBe(c1.ticket!.id)
  })

  it('a chat read and acknowledged before the service looked was claimed and resolved; XDEL too', async () => {
    const { store, desk, raw } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const c2 = await say(store, 'c2', '能开发票吗', NORMAL)
    const got = (await desk.claim('desk-1'))!
    await desk.resolve(got.stream, got.entry)
    await raw.xdel(got.stream, got.entry)
    expect(await store.getTicket(SHOP, c1.ticket!.id)).toBeNull()
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toBeUndefined()
    // the queue is not stuck on it: the HTTP claim gets c2
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c2.ticket!.id })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 1, claimedWithin3mShare: 1 })
  })

  it('a complaint in a chat a desk holds stays with the desk, not re-queued as urgent', async () => {
    const { store, desk } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    const got = (await desk.claim('desk-1'))!
    const again = await say(store, 'c1', '我要投诉', URGENT)
    expect(again.ticket).toMatchObject({ id: c1.ticket!.id, priority: 'normal', created: false })
    expect((await desk.pending()).get(got.entry)).toBe('desk-1')
    expect(await store.claim(SHOP, 'alice', 0)).toBeNull()
  })

  it('the HTTP calls work on a desk\'s raw claim under its consumer name', async () => {
    const { store, desk } = await setup()
    const c1 = await say(store, 'c1', '我的快递到哪了', NORMAL)
    await say(store, 'c2', '能开发票吗', NORMAL)
    const got = (await desk.claim('desk-1'))!
    await expect(store.heartbeat(SHOP, c1.ticket!.id, 'alice')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
    expect(await store.heartbeat(SHOP, c1.ticket!.id, 'desk-1')).toMatchObject({ status: 'claimed', agentId: 'desk-1' })
    await store.release(SHOP, c1.ticket!.id, 'desk-1')
    expect((await desk.pending()).get(got.entry)).toBe('_queue')
    // released: back in its original place, ahead of c2
    expect(await store.claim(SHOP, 'alice', 0)).toMatchObject({ id: c1.ticket!.id, agentId: 'alice' })
  })
})

describe('over HTTP, with a desk on the streams', () => {
  it('the bot is silent while a desk holds the chat and answers again after its XACK', async () => {
    const prefix = newPrefix()
    const app = await build({ env: { REDIS_URL, REDIS_PREFIX: prefix } })
    await untilReady(app)
    const raw = new Redis(REDIS_URL)
    clients.push(raw)
    const desk = new Desk(raw, `${prefix}{${SHOP}}:`)
    const post = (text: string) => app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, { conversationId: 'angry' }) })

    const first = (await post('我要投诉 你们是骗子')).json()
    expect(first.action).toBe('handoff')
    const got = (await desk.claim('desk-7'))!
    expect(got.ticket).toBe(first.handoff.ticketId)
    expect((await post('能退吗')).json()).toMatchObject({ action: 'silent', replies: [] })
    const view = (await app.inject({ method: 'GET', url: `/v1/handoff/tickets/${got.ticket}` })).json()
    expect(view).toMatchObject({ status: 'claimed', agentId: 'desk-7' })
    expect(view.chat.map((c: { text: string }) => c.text)).toContain('能退吗')
    expect((await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).statusCode).toBe(204)

    await desk.resolve(got.stream, got.entry)
    expect((await post('能退吗')).json().action).toBe('reply')
  })
})
