/**
 * The store contract: the same behavioural tests against the embedded store, the Redis store on one
 * real server and on a real local 3-master Redis Cluster (a random key prefix per test, keys deleted
 * afterwards). Demo mode and production must queue, claim and answer alike, so a difference here
 * is a bug in one of them.
 */
import { describe, it, expect, afterEach } from 'vitest'
import type { Cluster, Redis } from 'ioredis'
import { createEmbeddedStore, createRedisStore } from '../../src/store/index.js'
import type { ChatEntry, HandoffReason, Priority, Store } from '../../src/store/types.js'
import { clusterPrefixes, readyClient, readyClusterClient, redisPrefixes, usesCluster } from '../helpers/redis.js'
import { until } from '../helpers/until.js'

interface StoreOptions { claimTimeoutMs?: number }

const newPrefix = redisPrefixes()
usesCluster()
const newClusterPrefix = clusterPrefixes()
const clients: Array<Redis | Cluster> = []
const stores: Store[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
  for (const c of clients.splice(0)) c.disconnect()
})

const kinds = [
  ['embedded', async (o: StoreOptions) => createEmbeddedStore(o)],
  ['redis', async (o: StoreOptions) => {
    const redis = await readyClient()
    clients.push(redis)
    const prefix = newPrefix()
    return createRedisStore({ redis, prefix, ...o })
  }],
  ['redis-cluster', async (o: StoreOptions) => {
    const redis = await readyClusterClient()
    clients.push(redis)
    return createRedisStore({ redis, prefix: newClusterPrefix(), ...o })
  }]
] as const

const SHOP = 'default'
const MIN = 60_000
const NORMAL = { reason: 'unmatched', priority: 'normal' } as const
const HUMAN = { reason: 'human_request', priority: 'normal' } as const
const URGENT = { reason: 'complaint', priority: 'urgent' } as const

interface Say {
  handoff?: { reason: HandoffReason; priority: Priority }
  /** what the bot answered to this message */
  bot?: string
  now?: number
  messageId?: string
  body?: unknown
}

let seq = 0
/** One buyer message as the webhook commits it. */
function say (store: Store, conversationId: string, text: string, o: Say = {}) {
  const now = o.now ?? Date.now()
  const messageId = o.messageId ?? `m-${++seq}`
  const chat: ChatEntry[] = [{ role: 'buyer', text, at: now, messageId, type: 'text' }]
  if (o.bot) chat.push({ role: 'bot', text: o.bot, at: now })
  return store.commit({
    shopId: SHOP, conversationId, buyerId: `b-${conversationId}`, messageId, now, lastSeenAt: now,
    chat, handoff: o.handoff, body: o.body ?? { action: o.handoff ? 'handoff' : 'reply', text }
  })
}

/** Claims until the queue is empty; the conversations in the order they came out. */
async function drain (store: Store, agentId = 'drainer', now?: number): Promise<string[]> {
  const out: string[] = []
  // bounded: a queue that hands out a ticket twice fails here instead of spinning to the timeout
  for (let t = await store.claim(SHOP, agentId, 0, now); t && out.length < 100; t = await store.claim(SHOP, agentId, 0, now)) out.push(t.conversationId)
  return out
}

const texts = (chat: ChatEntry[]) => chat.map((c) => `${c.role}:${c.text}`)

describe.each(kinds)('store contract (%s)', (_kind, create) => {
  const open = async (o: StoreOptions = {}) => {
    const s = await create(o)
    stores.push(s)
    return s
  }

  it('claims urgent before normal, and first in first out within a priority', async () => {
    const store = await open()
    const positions = []
    for (const [conv, h] of [['n1', NORMAL], ['n2', HUMAN], ['u1', URGENT], ['u2', URGENT], ['n3', NORMAL]] as const) {
      positions.push((await say(store, conv, '我的快递到哪了', { handoff: h })).ticket!.position)
    }
    // the place in the queue the buyer is told at the time of their message
    expect(positions).toEqual([0, 1, 0, 1, 4])
    expect(await store.claim('another-shop', 'a', 0)).toBeNull()
    expect(await drain(store)).toEqual(['u1', 'u2', 'n1', 'n2', 'n3'])
  })

  it('keeps one open ticket per conversation: later messages are appended, not queued again', async () => {
    const store = await open()
    const a = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await say(store, 'c2', '能开发票吗', { handoff: NORMAL })
    const b = await say(store, 'c1', '怎么还没到', { handoff: NORMAL })
    // an answered message while waiting is part of the chat too
    await say(store, 'c1', '在吗', { bot: '您好，我是小美' })
    expect(a.ticket).toMatchObject({ created: true, position: 0 })
    expect(b.ticket).toMatchObject({ id: a.ticket!.id, created: false, position: 0 })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 2, urgent: 0 })
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toEqual({ id: a.ticket!.id, status: 'waiting' })
    expect(texts((await store.getTicket(SHOP, a.ticket!.id))!.chat)).toEqual(['buyer:我的快递到哪了', 'buyer:怎么还没到', 'buyer:在吗', 'bot:您好，我是小美'])
    expect(await drain(store)).toEqual(['c1', 'c2'])
  })

  it('upgrades a waiting normal ticket to urgent on a complaint, behind earlier complaints', async () => {
    const store = await open()
    const n1 = await say(store, 'n1', '我的快递到哪了', { handoff: NORMAL })
    await say(store, 'u1', '我要投诉', { handoff: URGENT })
    await say(store, 'n2', '能开发票吗', { handoff: NORMAL })
    const up = await say(store, 'n1', '你们是骗子', { handoff: URGENT })
    expect(up.ticket).toMatchObject({ id: n1.ticket!.id, created: false, priority: 'urgent', reason: 'complaint', position: 1 })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 3, urgent: 2 })
    const first = await store.claim(SHOP, 'a', 0)
    const second = await store.claim(SHOP, 'a', 0)
    expect([first!.conversationId, second!.conversationId]).toEqual(['u1', 'n1'])
    expect(second).toMatchObject({ priority: 'urgent', reason: 'complaint' })
    expect(texts(second!.chat)).toEqual(['buyer:我的快递到哪了', 'buyer:你们是骗子'])
    expect(await drain(store)).toEqual(['n2'])
  })

  it('does not re-queue a claimed ticket when its buyer complains: the agent already has it', async () => {
    const store = await open()
    const t = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await store.claim(SHOP, 'alice', 0)
    const again = await say(store, 'c1', '我要投诉', { handoff: URGENT })
    expect(again.ticket).toMatchObject({ id: t.ticket!.id, created: false, priority: 'normal', position: 0 })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, urgent: 0, claimed: 1 })
    expect(await store.getTicket(SHOP, t.ticket!.id)).toMatchObject({ status: 'claimed', agentId: 'alice' })
  })

  it('a complaint after the agent vanished upgrades the requeued ticket', async () => {
    // simulated time: the buyer complains two minutes after a claim with a one-minute timeout
    const store = await open({ claimTimeoutMs: MIN })
    const T = Date.now()
    await say(store, 'other', '能开发票吗', { handoff: NORMAL, now: T })
    const t = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL, now: T })
    await store.claim(SHOP, 'ghost', 0, T)
    await store.claim(SHOP, 'ghost', 0, T)
    const angry = await say(store, 'c1', '怎么没人理 我要投诉', { handoff: URGENT, now: T + 2 * MIN })
    expect(angry.ticket).toMatchObject({ id: t.ticket!.id, priority: 'urgent', reason: 'complaint', position: 0 })
    expect(await store.claim(SHOP, 'alice', 0, T + 2 * MIN)).toMatchObject({ id: t.ticket!.id, agentId: 'alice' })
  })

  it('claim returns the whole chat since the handoff: buyer messages and bot replies', async () => {
    const store = await open()
    const t0 = Date.now() - 5 * MIN
    await say(store, 'c1', '在吗', { bot: '您好，我是小美', now: t0 })
    const opened = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL, now: t0 + 1000, messageId: 'q-1' })
    await say(store, 'c1', '不合适可以退吗', { bot: '亲，本店支持7天无理由退换货哦~', now: t0 + 2000 })
    await say(store, 'c1', '转人工', { handoff: HUMAN, now: t0 + 3000 })
    const t = await store.claim(SHOP, 'alice', 0)
    expect(t).toMatchObject({
      id: opened.ticket!.id, shopId: SHOP, conversationId: 'c1', buyerId: 'b-c1', priority: 'normal',
      reason: 'unmatched', status: 'claimed', agentId: 'alice', createdAt: t0 + 1000
    })
    expect(t!.claimedAt).toBeGreaterThanOrEqual(t0)
    expect(texts(t!.chat)).toEqual(['buyer:我的快递到哪了', 'buyer:不合适可以退吗', 'bot:亲，本店支持7天无理由退换货哦~', 'buyer:转人工'])
    expect(t!.chat[0]).toEqual({ role: 'buyer', text: '我的快递到哪了', at: t0 + 1000, messageId: 'q-1', type: 'text' })
  })

  it('while claimed, new buyer messages are appended to the ticket for the agent', async () => {
    const store = await open()
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await store.claim(SHOP, 'alice', 0)
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toEqual({ id: ticket!.id, status: 'claimed', agentId: 'alice' })
    const during = await say(store, 'c1', '单号是多少')
    expect(during.ticket).toBeUndefined()
    expect(texts((await store.heartbeat(SHOP, ticket!.id, 'alice')).chat)).toEqual(['buyer:我的快递到哪了', 'buyer:单号是多少'])
    expect(texts((await store.getTicket(SHOP, ticket!.id))!.chat)).toEqual(['buyer:我的快递到哪了', 'buyer:单号是多少'])
  })

  it('resolve gives the conversation back to the bot; a later handoff opens a new ticket', async () => {
    const store = await open()
    const first = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await store.claim(SHOP, 'alice', 0)
    await store.resolve(SHOP, first.ticket!.id, 'alice')
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toBeUndefined()
    expect(await store.getTicket(SHOP, first.ticket!.id)).toBeNull()
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 0 })
    expect((await say(store, 'c1', '谢谢', { bot: '不客气' })).ticket).toBeUndefined()
    const next = await say(store, 'c1', '又有问题', { handoff: NORMAL })
    expect(next.ticket).toMatchObject({ created: true, position: 0 })
    expect(next.ticket!.id).not.toBe(first.ticket!.id)
    // the new ticket starts its own chat
    expect(texts((await store.getTicket(SHOP, next.ticket!.id))!.chat)).toEqual(['buyer:又有问题'])
  })

  it('release puts the ticket back in its original place, ahead of newer tickets', async () => {
    const store = await open()
    const t1 = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await say(store, 'c2', '能开发票吗', { handoff: NORMAL })
    expect((await store.claim(SHOP, 'alice', 0))!.id).toBe(t1.ticket!.id)
    await say(store, 'c3', '发票抬头', { handoff: NORMAL })
    await store.release(SHOP, t1.ticket!.id, 'alice')
    expect((await store.getConversation(SHOP, 'c1', Date.now())).ticket).toEqual({ id: t1.ticket!.id, status: 'waiting' })
    expect(await store.getTicket(SHOP, t1.ticket!.id)).toMatchObject({ status: 'waiting', chat: [{ text: '我的快递到哪了' }] })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 3, claimed: 0 })
    expect(await drain(store)).toEqual(['c1', 'c2', 'c3'])
  })

  it('refuses heartbeat, resolve and release by anyone but the owner; unknown tickets are not found', async () => {
    const store = await open()
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    await store.claim(SHOP, 'alice', 0)
    for (const action of ['heartbeat', 'resolve', 'release'] as const) {
      await expect(store[action](SHOP, ticket!.id, 'bob')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER', statusCode: 409 })
      await expect(store[action](SHOP, 'no-such-ticket', 'alice')).rejects.toMatchObject({ code: 'AR_ERR_TICKET_NOT_FOUND', statusCode: 404 })
    }
    // the refusals changed nothing
    expect(await store.heartbeat(SHOP, ticket!.id, 'alice')).toMatchObject({ status: 'claimed', agentId: 'alice' })
    await store.release(SHOP, ticket!.id, 'alice')
    // released: the former owner no longer holds it
    await expect(store.heartbeat(SHOP, ticket!.id, 'alice')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
    await store.claim(SHOP, 'bob', 0)
    await store.resolve(SHOP, ticket!.id, 'bob')
    // resolved: it is gone for everyone
    await expect(store.heartbeat(SHOP, ticket!.id, 'bob')).rejects.toMatchObject({ code: 'AR_ERR_TICKET_NOT_FOUND' })
    await expect(store.resolve(SHOP, ticket!.id, 'bob')).rejects.toMatchObject({ code: 'AR_ERR_TICKET_NOT_FOUND' })
  })

  it('redelivery of a messageId is a duplicate: the same body and ticket, nothing queued or appended again', async () => {
    const store = await open()
    const first = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL, messageId: 'dup-1', body: { replies: ['已为您转接人工客服'] } })
    await say(store, 'c2', '能开发票吗', { handoff: NORMAL })
    const again = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL, messageId: 'dup-1', body: { replies: ['something else'] } })
    expect(first.duplicate).toBe(false)
    expect(again).toEqual({ ...first, duplicate: true })
    expect(await store.getCommitted(SHOP, 'dup-1')).toEqual({ ...first, duplicate: true })
    expect(await store.getCommitted(SHOP, 'never-sent')).toBeNull()
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 2 })
    expect(texts((await store.getTicket(SHOP, first.ticket!.id))!.chat)).toEqual(['buyer:我的快递到哪了'])
  })

  it('a claim whose agent vanished returns to the queue after the claim timeout', async () => {
    const store = await open({ claimTimeoutMs: 300 })
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    expect((await store.claim(SHOP, 'alice', 0))!.id).toBe(ticket!.id)
    // the conversation is handed back to the queue, so the bot does not stay silent for a ghost
    await until(async () => (await store.getConversation(SHOP, 'c1', Date.now())).ticket?.status === 'waiting', 'the expired claim to be requeued')
    const bob = await until(() => store.claim(SHOP, 'bob', 0), 'bob to reclaim the ticket')
    expect(bob).toMatchObject({ id: ticket!.id, agentId: 'bob', status: 'claimed', chat: [{ text: '我的快递到哪了' }] })
    await expect(store.heartbeat(SHOP, ticket!.id, 'alice')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
    await expect(store.resolve(SHOP, ticket!.id, 'alice')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
  })

  it('a heartbeat keeps the claim past the time it would otherwise expire', async () => {
    // simulated time: claims are taken "50 s ago" with a 60 s timeout, and a rival looks "30 s ahead"
    const store = await open({ claimTimeoutMs: MIN })
    const kept = await say(store, 'kept', '我的快递到哪了', { handoff: NORMAL })
    await store.claim(SHOP, 'alice', 0, Date.now() - 50_000)
    await store.heartbeat(SHOP, kept.ticket!.id, 'alice')
    expect(await store.claim(SHOP, 'bob', 0, Date.now() + 30_000)).toBeNull()

    const lapsed = await say(store, 'lapsed', '能开发票吗', { handoff: NORMAL })
    await store.claim(SHOP, 'carol', 0, Date.now() - 50_000)
    expect(await store.claim(SHOP, 'dave', 0, Date.now() + 30_000)).toMatchObject({ id: lapsed.ticket!.id, agentId: 'dave' })
  })

  it('stats: waiting, urgent, oldest wait, claimed, agents online, share claimed within 3 minutes', async () => {
    const store = await open({ claimTimeoutMs: 30 * MIN })
    const T = Date.now()
    expect(await store.stats(SHOP, T)).toEqual({ waiting: 0, urgent: 0, oldestWaitMs: 0, claimed: 0, agentsOnline: 0, claimedWithin3mShare: null, ticketsLast24h: 0 })

    await say(store, 'a', '我的快递到哪了', { handoff: NORMAL, now: T - 10 * MIN })
    expect((await store.claim(SHOP, 'alice', 0, T - 9 * MIN))!.conversationId).toBe('a') // within 3 min
    await say(store, 'b', '我要投诉', { handoff: URGENT, now: T - 8 * MIN })
    await say(store, 'c', '能开发票吗', { handoff: NORMAL, now: T - 7 * MIN })
    await say(store, 'd', '转人工', { handoff: HUMAN, now: T - 1 * MIN })
    // b and c have waited over 3 minutes (missed); d is not decided yet
    expect(await store.stats(SHOP, T)).toEqual({
      waiting: 3, urgent: 1, oldestWaitMs: 8 * MIN, claimed: 1, agentsOnline: 1, claimedWithin3mShare: 1 / 3, ticketsLast24h: 4
    })

    expect(await drain(store, 'bob', T)).toEqual(['b', 'c', 'd']) // b, c late; d within 3 min
    expect(await store.stats(SHOP, T)).toEqual({
      waiting: 0, urgent: 0, oldestWaitMs: 0, claimed: 4, agentsOnline: 2, claimedWithin3mShare: 0.5, ticketsLast24h: 4
    })

    // a day later: the claims have lapsed, nobody is online, and the 24-hour window is empty
    const later = T + 25 * 60 * MIN
    expect(await store.stats(SHOP, later)).toMatchObject({ waiting: 4, urgent: 1, claimed: 0, agentsOnline: 0, claimedWithin3mShare: null, ticketsLast24h: 0 })
  })

  it('queue: waiting tickets in claim order with positions, then claimed ones with their agent', async () => {
    const store = await open()
    const T = Date.now()
    expect(await store.queue(SHOP, 50, T)).toEqual([])
    await say(store, 'a', '我的快递到哪了', { handoff: NORMAL, now: T - 3000, bot: '已为您转接人工客服' })
    await say(store, 'b', '我要投诉', { handoff: URGENT, now: T - 2000 })
    await say(store, 'c', '能开发票吗', { handoff: NORMAL, now: T - 1000 })
    await say(store, 'c', '急用', { now: T - 500 })
    expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe('b')
    const q = await store.queue(SHOP, 50, T)
    expect(q.map((e) => [e.conversationId, e.status, e.position, e.agentId])).toEqual([
      ['a', 'waiting', 0, undefined], ['c', 'waiting', 1, undefined], ['b', 'claimed', undefined, 'alice']
    ])
    // the preview is the buyer's latest line, not the bot's holding reply after it
    expect(q[0]).toMatchObject({ buyerId: 'b-a', priority: 'normal', reason: 'unmatched', createdAt: T - 3000, lastBuyerText: '我的快递到哪了', lastAt: T - 3000 })
    expect(q[1]).toMatchObject({ lastBuyerText: '急用', lastAt: T - 500 })
    expect(q[0]!.nickname).toBeUndefined()
    expect(q[2]).toMatchObject({ priority: 'urgent', reason: 'complaint', claimedAt: T })
    expect((await store.queue(SHOP, 1, T)).map((e) => e.conversationId)).toEqual(['a', 'b'])
  })

  it('pick claims a chosen waiting ticket out of order; the next claim still gets the oldest', async () => {
    const store = await open()
    const a = await say(store, 'a', '我的快递到哪了', { handoff: NORMAL })
    const b = await say(store, 'b', '能开发票吗', { handoff: NORMAL })
    expect(await store.pick(SHOP, b.ticket!.id, 'alice')).toMatchObject({ id: b.ticket!.id, status: 'claimed', agentId: 'alice', chat: [{ role: 'buyer', text: '能开发票吗' }] })
    // picking again is harmless for its holder and refused to anyone else
    expect(await store.pick(SHOP, b.ticket!.id, 'alice')).toMatchObject({ agentId: 'alice' })
    await expect(store.pick(SHOP, b.ticket!.id, 'bob')).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
    await expect(store.pick(SHOP, 'no-such-ticket', 'bob')).rejects.toMatchObject({ code: 'AR_ERR_TICKET_NOT_FOUND' })
    expect(await store.claim(SHOP, 'bob', 0)).toMatchObject({ id: a.ticket!.id, agentId: 'bob' })
    expect(await store.claim(SHOP, 'carol', 0)).toBeNull()
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 2, agentsOnline: 3 }) // carol looked too
    // released, it goes back in its place and the normal claim hands it out again
    await store.release(SHOP, b.ticket!.id, 'alice')
    expect(await store.claim(SHOP, 'carol', 0)).toMatchObject({ id: b.ticket!.id, agentId: 'carol' })
    await store.resolve(SHOP, b.ticket!.id, 'carol')
    expect(await store.queue(SHOP, 10)).toHaveLength(1)
  })

  it('a long-poll claim returns a ticket committed while it waits', async () => {
    const store = await open()
    expect(await store.claim(SHOP, 'early', 50)).toBeNull()
    const waiting = store.claim(SHOP, 'alice', 10_000)
    // the claim registers its agent on its first look at the queue: commit only after that look
    await until(async () => (await store.stats(SHOP)).agentsOnline === 2, 'alice to be polling')
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    expect(await waiting).toMatchObject({ id: ticket!.id, agentId: 'alice', status: 'claimed' })
  })

  it('keeps conversation state: last seen, and a pending question until it expires or is cleared', async () => {
    const store = await open()
    const T = Date.now()
    expect(await store.getConversation(SHOP, 'c1', T)).toEqual({})
    const pending = { kind: 'size' as const, ruleId: 'tops-size', heightCm: 165, until: T + MIN }
    await store.commit({ shopId: SHOP, conversationId: 'c1', buyerId: 'b', messageId: 'p1', now: T, lastSeenAt: T, pending, chat: [], body: null })
    expect(await store.getConversation(SHOP, 'c1', T + 1000)).toEqual({ lastSeenAt: T, pending })
    expect(await store.getConversation(SHOP, 'c1', T + 2 * MIN)).toEqual({ lastSeenAt: T })
    await store.commit({ shopId: SHOP, conversationId: 'c1', buyerId: 'b', messageId: 'p2', now: T + 1000, lastSeenAt: T + 1000, chat: [], body: null })
    expect((await store.getConversation(SHOP, 'c1', T + 1000)).pending).toEqual(pending)
    await store.commit({ shopId: SHOP, conversationId: 'c1', buyerId: 'b', messageId: 'p3', now: T + 2000, lastSeenAt: T + 2000, pending: null, chat: [], body: null })
    expect(await store.getConversation(SHOP, 'c1', T + 2000)).toEqual({ lastSeenAt: T + 2000 })
  })

  it('counts unanswered questions, most frequent first, with the newest examples', async () => {
    const store = await open()
    const T = Date.now()
    const miss = (id: string, key: string, text: string, now = T) =>
      store.commit({ shopId: SHOP, conversationId: id, buyerId: 'b', messageId: id, now, lastSeenAt: now, chat: [], unmatched: { key, text }, body: null })
    await miss('u1', '快递到哪', '我的快递到哪了')
    await miss('u2', '开发票', '能开发票吗')
    await miss('u3', '快递到哪', '快递到哪了？', T - 2 * 24 * 60 * MIN)
    await miss('u4', '快递到哪', '我的快递到哪了')
    expect(await store.topUnmatched(SHOP, 7, 10, T)).toEqual([
      { key: '快递到哪', count: 3, examples: ['我的快递到哪了', '快递到哪了？'] },
      { key: '开发票', count: 1, examples: ['能开发票吗'] }
    ])
    // a 1-day window leaves out the question asked two days ago
    expect((await store.topUnmatched(SHOP, 1, 10, T))[0]).toMatchObject({ key: '快递到哪', count: 2 })
  })
})
