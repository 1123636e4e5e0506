/**
 * The embedded store with tens of thousands of open tickets, where it once walked every ticket on
 * every message (issue 14): positions, claim expiry and the last agent's preference stay exact, and
 * what Redis keeps with a TTL expires here after the same time, on an injected clock. Behaviour and
 * counts only: a store that went back to walking the tickets would time these tests out.
 */
import { describe, it, expect } from 'vitest'
import { createEmbeddedStore } from '../../../src/store/embedded/index.js'
import type { HandoffReason, Priority, Store } from '../../../src/store/types.js'

const SHOP = 'default'
const MIN = 60_000
const DAY = 24 * 60 * MIN
const NORMAL = { reason: 'unmatched', priority: 'normal' } as const
const URGENT = { reason: 'complaint', priority: 'urgent' } as const

let seq = 0
function say (store: Store, conversationId: string, now: number, handoff?: { reason: HandoffReason; priority: Priority }, extra: { unmatched?: { key: string; text: string } } = {}) {
  const messageId = `m-${++seq}`
  return store.commit({
    shopId: SHOP, conversationId, buyerId: `b-${conversationId}`, messageId, now, lastSeenAt: now,
    chat: [{ role: 'buyer', text: '在吗', at: now, messageId, type: 'text' }], handoff, body: { messageId }, ...extra
  })
}

describe('embedded store with many open tickets', () => {
  it('tells each of 20,000 waiting buyers their place, urgent ones first, and hands them out in that order', async () => {
    const store = createEmbeddedStore()
    const T = Date.now()
    for (let i = 0; i < 20_000; i++) expect((await say(store, `n${i}`, T, NORMAL)).ticket!.position).toBe(i)
    for (let i = 0; i < 100; i++) expect((await say(store, `u${i}`, T, URGENT)).ticket!.position).toBe(i)
    // a later message of a waiting ticket is told its current place; an upgrade joins the urgent tail
    expect((await say(store, 'n500', T, NORMAL)).ticket).toMatchObject({ created: false, position: 600 })
    expect((await say(store, 'n19999', T, URGENT)).ticket).toMatchObject({ created: false, position: 100, priority: 'urgent' })
    expect(await store.stats(SHOP, T)).toMatchObject({ waiting: 20_100, urgent: 101, claimed: 0 })
    expect((await store.queue(SHOP, 3, T)).map((e) => [e.conversationId, e.position])).toEqual([['u0', 0], ['u1', 1], ['u2', 2]])

    for (let i = 0; i < 100; i++) expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe(`u${i}`)
    expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe('n19999')
    expect((await say(store, 'n500', T, NORMAL)).ticket!.position).toBe(500)
    expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe('n0')
    expect((await say(store, 'n500', T, NORMAL)).ticket!.position).toBe(499)
    await store.close()
  })

  it('requeues 5,000 lapsed claims at once, each in its original place, and keeps the live ones', async () => {
    const store = createEmbeddedStore({ claimTimeoutMs: MIN })
    const T = Date.now()
    const ids: string[] = []
    for (let i = 0; i < 5_000; i++) ids.push((await say(store, `c${i}`, T, NORMAL)).ticket!.id)
    for (let i = 0; i < 5_000; i++) expect((await store.claim(SHOP, `agent${i % 50}`, 0, T))!.id).toBe(ids[i])
    // every fifth agent answers 50 s later: a reply keeps the claim (lease T + 110 s)
    for (let i = 0; i < 5_000; i += 5) {
      await store.reply({ shopId: SHOP, ticketId: ids[i]!, agentId: `agent${i % 50}`, text: '我来查', clientMsgId: `r${i}`, now: T + 50_000 })
    }
    const later = T + 90_000
    expect(await store.stats(SHOP, later)).toMatchObject({ waiting: 4_000, claimed: 1_000 })
    // the requeued list is bounded as on Redis: the latest 1,000
    expect(await store.takeRequeued(SHOP, 5_000, later)).toHaveLength(1_000)
    expect(await store.takeRequeued(SHOP, 5_000, later)).toEqual([])
    const lapsed = ids.filter((_, i) => i % 5 !== 0)
    expect((await store.getConversation(SHOP, 'c1', later)).ticket).toEqual({ id: ids[1], status: 'waiting' })
    expect((await store.getConversation(SHOP, 'c0', later)).ticket).toEqual({ id: ids[0], status: 'claimed', agentId: 'agent0' })
    for (const id of lapsed) expect((await store.claim(SHOP, 'bob', 0, later))!.id).toBe(id)
    expect(await store.claim(SHOP, 'bob', 0, later)).toBeNull()
    await store.close()
  })

  it('gives a returning buyer to their last agent ahead of 10,000 older tickets, never ahead of a complaint', async () => {
    const store = createEmbeddedStore()
    const T = Date.now()
    const first = await say(store, 'regular', T, NORMAL)
    expect((await store.claim(SHOP, 'alice', 0, T))!.id).toBe(first.ticket!.id)
    await store.resolve(SHOP, first.ticket!.id, 'alice')
    for (let i = 0; i < 10_000; i++) await say(store, `c${i}`, T, NORMAL)
    const back = await say(store, 'regular', T, NORMAL)
    expect(back.ticket).toMatchObject({ created: true, position: 10_000 })
    expect((await store.claim(SHOP, 'bob', 0, T))!.conversationId).toBe('c0')
    await say(store, 'angry', T, URGENT)
    expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe('angry')
    expect((await store.claim(SHOP, 'alice', 0, T))!.id).toBe(back.ticket!.id)
    expect((await store.claim(SHOP, 'alice', 0, T))!.conversationId).toBe('c1')
    await store.close()
  })
})

describe('embedded store TTLs, as on Redis', () => {
  it('forgets idempotency records after a day, conversations and history after 30 days, unanswered counts after 35', async () => {
    let clock = Date.UTC(2026, 0, 10)
    const T = clock
    const store = createEmbeddedStore({ clock: () => clock })
    const miss = await say(store, 'c1', T, undefined, { unmatched: { key: '开发票', text: '能开发票吗' } })
    const { ticket } = await say(store, 'c2', T, NORMAL)
    const r = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '我来查', clientMsgId: 'x', now: T })

    clock = T + DAY - 1
    expect(await store.getCommitted(SHOP, (miss.body as { messageId: string }).messageId)).toEqual({ ...miss, duplicate: true })
    clock = T + DAY
    expect(await store.getCommitted(SHOP, (miss.body as { messageId: string }).messageId)).toBeNull()
    // the reply's idempotency record is gone too: the same clientMsgId is a new message
    const again = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '我来查', clientMsgId: 'x', now: clock })
    expect(again).toMatchObject({ duplicate: false })
    expect(again.message.id).not.toBe(r.message.id)
    expect(await store.getConversation(SHOP, 'c1', clock)).toEqual({ lastSeenAt: T })
    expect((await store.getHistory(SHOP, 'c1'))!.messages).toHaveLength(1)

    clock = T + 30 * DAY
    expect(await store.getConversation(SHOP, 'c1', clock)).toEqual({})
    expect(await store.getHistory(SHOP, 'c1')).toBeNull()
    expect(await store.topUnmatched(SHOP, 1, 10, T)).toEqual([{ key: '开发票', count: 1, examples: ['能开发票吗'] }])
    clock = T + 35 * DAY
    expect(await store.topUnmatched(SHOP, 1, 10, T)).toEqual([])
    await store.close()
  })

  it('frees expired records a bounded number per write, until none are left', async () => {
    let clock = Date.UTC(2026, 0, 10)
    const store = createEmbeddedStore({ clock: () => clock })
    for (let i = 0; i < 100; i++) await say(store, `c${i}`, clock, undefined, { unmatched: { key: `q${i % 3}`, text: '?' } })
    expect(store.kept()).toMatchObject({ idempotency: 100, conversations: 100, histories: 100, unmatchedDays: 1 })

    clock += 36 * DAY
    await say(store, 'new0', clock)
    // 16 expired of each kind dropped by this write, which added one of its own
    expect(store.kept()).toMatchObject({ idempotency: 85, conversations: 85, histories: 85, unmatchedDays: 0 })
    for (let i = 1; i <= 6; i++) await say(store, `new${i}`, clock)
    expect(store.kept()).toMatchObject({ idempotency: 7, conversations: 7, histories: 7 })
    await store.close()
  })
})
