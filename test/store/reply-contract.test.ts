/**
 * The store contract for agents' replies, history and routing, against both stores (as
 * contract.test.ts): replies claim and heartbeat, are idempotent on clientMsgId, enter the chat and
 * the history; the history outlives the ticket; a returning buyer prefers their last agent.
 */
import { describe, it, expect } from 'vitest'
import type { ChatEntry, HandoffReason, Priority, Store } from '../../src/store/types.js'
import { storeFactories } from '../helpers/redis.js'

const SHOP = 'default'
const NORMAL = { reason: 'unmatched', priority: 'normal' } as const
const URGENT = { reason: 'complaint', priority: 'urgent' } as const
let seq = 0
function say (store: Store, conversationId: string, text: string, o: { handoff?: { reason: HandoffReason; priority: Priority }; bot?: string; channel?: string } = {}) {
  const now = Date.now()
  const messageId = `rm-${++seq}`
  const chat: ChatEntry[] = [{ role: 'buyer', text, at: now, messageId, type: 'text' }]
  if (o.bot) chat.push({ role: 'bot', text: o.bot, at: now })
  return store.commit({ shopId: SHOP, conversationId, buyerId: `b-${conversationId}`, messageId, now, lastSeenAt: now, chat, handoff: o.handoff, body: {}, ...(o.channel ? { channel: o.channel } : {}) })
}
const lines = (chat: ChatEntry[]) => chat.map((c) => `${c.role}:${c.text}`)

describe.each(storeFactories())('store contract: replies and history (%s)', (_kind, open) => {
  it('a reply to a waiting ticket claims it; to a held one it is a heartbeat; others are refused', async () => {
    const store = await open()
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL })
    const r = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '我来查', clientMsgId: 'a' })
    expect(r).toMatchObject({ duplicate: false, claimed: true, message: { ticketId: ticket!.id, conversationId: 'c1', buyerId: 'b-c1', agentId: 'alice', text: '我来查', channel: 'webhook' } })
    expect(await store.getTicket(SHOP, ticket!.id)).toMatchObject({ status: 'claimed', agentId: 'alice' })
    expect(await store.stats(SHOP)).toMatchObject({ waiting: 0, claimed: 1, agentsOnline: 1 })
    const again = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '单号SF1', clientMsgId: 'b' })
    expect(again.claimed).toBe(false)
    await expect(store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'bob', text: 'x', clientMsgId: 'c' })).rejects.toMatchObject({ code: 'AR_ERR_NOT_TICKET_OWNER' })
    await expect(store.reply({ shopId: SHOP, ticketId: 'nope', agentId: 'bob', text: 'x', clientMsgId: 'c' })).rejects.toMatchObject({ code: 'AR_ERR_TICKET_NOT_FOUND' })
    const t = await store.getTicket(SHOP, ticket!.id)
    expect(lines(t!.chat)).toEqual(['buyer:我的快递到哪了', 'agent:我来查', 'agent:单号SF1'])
    expect(t!.chat[1]).toMatchObject({ role: 'agent', agentId: 'alice', messageId: r.message.id, delivery: { status: 'queued', attempts: 0 } })
  })

  it('clientMsgId: the same id on the same ticket is one message, whatever the retry says', async () => {
    const store = await open()
    const { ticket } = await say(store, 'c1', '转人工', { handoff: NORMAL })
    const a = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '您好', clientMsgId: 'same' })
    const b = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '您好!!', clientMsgId: 'same' })
    expect(b).toEqual({ ...a, duplicate: true })
    expect(lines((await store.getTicket(SHOP, ticket!.id))!.chat)).toEqual(['buyer:转人工', 'agent:您好'])
  })

  it('delivery status: written back into the chat; once sent it stays sent', async () => {
    const store = await open()
    const { ticket } = await say(store, 'c1', '转人工', { handoff: NORMAL })
    const { message } = await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '您好', clientMsgId: 'x' })
    await store.setDelivery(SHOP, message.id, { status: 'queued', at: 1, attempts: 1, reason: 'HTTP 500' })
    expect((await store.getHistory(SHOP, 'c1'))!.messages.at(-1)!.delivery).toEqual({ status: 'queued', at: 1, attempts: 1, reason: 'HTTP 500' })
    await store.setDelivery(SHOP, message.id, { status: 'sent', at: 2, attempts: 2 })
    await store.setDelivery(SHOP, message.id, { status: 'failed', at: 3, attempts: 2, reason: 'late report' })
    expect((await store.getTicket(SHOP, ticket!.id))!.chat.at(-1)!.delivery).toEqual({ status: 'sent', at: 2, attempts: 2 })
  })

  it('history: every line of the conversation, tagged with its ticket, kept after resolve; the channel is recorded', async () => {
    const store = await open()
    await say(store, 'c1', '在吗', { bot: '您好', channel: 'wechat' })
    const { ticket } = await say(store, 'c1', '我的快递到哪了', { handoff: NORMAL, bot: '已为您转接人工客服，前面还有{position}位' })
    await store.reply({ shopId: SHOP, ticketId: ticket!.id, agentId: 'alice', text: '明天到', clientMsgId: 'x' })
    await store.resolve(SHOP, ticket!.id, 'alice')
    await say(store, 'c1', '谢谢', { bot: '不客气' })
    const h = await store.getHistory(SHOP, 'c1')
    expect(h).toMatchObject({ conversationId: 'c1', buyerId: 'b-c1', channel: 'wechat' })
    expect(h!.ticket).toBeUndefined()
    expect(lines(h!.messages)).toEqual(['buyer:在吗', 'bot:您好', 'buyer:我的快递到哪了', 'bot:已为您转接人工客服，前面还有0位', 'agent:明天到', 'buyer:谢谢', 'bot:不客气'])
    expect(h!.messages.map((m) => m.ticketId ?? null)).toEqual([null, null, ticket!.id, ticket!.id, ticket!.id, null, null])
    expect((await store.getHistory(SHOP, 'c1', 2))!.messages.map((m) => m.text)).toEqual(['谢谢', '不客气'])
    expect(await store.getHistory(SHOP, 'never')).toBeNull()
    expect((await store.getConversation(SHOP, 'c1', Date.now())).lastAgentId).toBe('alice')
  })

  it('first-reply rate: a ticket answered within 3 minutes counts; one only claimed does not', async () => {
    const store = await open()
    expect(await store.replyStats(SHOP)).toEqual({ repliedWithin3mShare: null, repliedLast24h: 0 })
    const a = await say(store, 'a', '我的快递到哪了', { handoff: NORMAL })
    await say(store, 'b', '能开发票吗', { handoff: NORMAL })
    await store.reply({ shopId: SHOP, ticketId: a.ticket!.id, agentId: 'alice', text: '我来', clientMsgId: '1' })
    await store.reply({ shopId: SHOP, ticketId: a.ticket!.id, agentId: 'alice', text: '再说一句', clientMsgId: '2' })
    await store.claim(SHOP, 'bob', 0)
    // b is claimed but unanswered and not 3 minutes old: not decided yet
    expect(await store.replyStats(SHOP)).toEqual({ repliedWithin3mShare: 1, repliedLast24h: 1 })
    // four minutes on, b has missed the window
    expect(await store.replyStats(SHOP, Date.now() + 4 * 60_000)).toEqual({ repliedWithin3mShare: 0.5, repliedLast24h: 1 })
  })

  it('a returning buyer\'s new ticket goes to the agent who served them last, never ahead of an urgent one', async () => {
    const store = await open()
    const first = await say(store, 'regular', '我的快递到哪了', { handoff: NORMAL })
    expect((await store.claim(SHOP, 'alice', 0))!.id).toBe(first.ticket!.id)
    await store.resolve(SHOP, first.ticket!.id, 'alice')
    await say(store, 'older', '能开发票吗', { handoff: NORMAL })
    const back = await say(store, 'regular', '又有问题', { handoff: NORMAL })
    // alice gets her returning buyer ahead of the older ticket; bob then gets the older one
    expect((await store.claim(SHOP, 'alice', 0))!.id).toBe(back.ticket!.id)
    expect((await store.claim(SHOP, 'bob', 0))!.conversationId).toBe('older')

    // with a complaint waiting, the complaint comes first even for the preferred agent
    const t2 = (await store.claim(SHOP, 'alice', 0))
    expect(t2).toBeNull()
    await store.resolve(SHOP, back.ticket!.id, 'alice')
    await say(store, 'angry', '我要投诉', { handoff: URGENT })
    const third = await say(store, 'regular', '还是不行', { handoff: NORMAL })
    expect((await store.claim(SHOP, 'alice', 0))!.conversationId).toBe('angry')
    expect((await store.claim(SHOP, 'alice', 0))!.id).toBe(third.ticket!.id)
    // and nobody else is kept waiting for it: the preference is gone once claimed
    expect(await store.claim(SHOP, 'bob', 0)).toBeNull()
  })
})
