/**
 * J13 over HTTP on both stores: an agent answers through the service, the buyer gets it once
 * through the signed outbound webhook (a local receiver that fails the first two tries), the agent
 * sees it delivered, and the history outlives the ticket.
 */
import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'
import { allStores } from '../helpers/redis.js'
import { receiver } from '../helpers/receiver.js'
import { until } from '../helpers/until.js'
import { verifySignature } from '../../src/signing/signature.js'

const stores = allStores()
const SECRET = 'outbound-secret-0123456789'
const FAST = { OUTBOX_RETRY_BASE: '20ms', OUTBOX_RETRY_MAX: '100ms' }

type App = Awaited<ReturnType<typeof build>>
const post = (app: App, url: string, payload: object) => app.inject({ method: 'POST', url, payload })
const history = async (app: App, conversationId: string) => (await app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}` })).json()

describe.each(stores)('agent replies (%s store)', (_name, env) => {
  it('claim → reply → delivered exactly once through a receiver that fails twice → resolve with a closing message', async () => {
    const rx = await receiver((n) => (n < 2 ? 500 : 200))
    const app = await build({ env: { ...env(), ...FAST, OUTBOUND_WEBHOOK_URL: rx.url, OUTBOUND_WEBHOOK_SECRET: SECRET } })
    await post(app, '/v1/messages', msg('我的快递到哪了', { conversationId: 'j13', buyerId: 'buyer-13' }))
    const ticket = (await post(app, '/v1/handoff/claim', { agentId: 'alice' })).json()

    const sent = await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, { agentId: 'alice', text: '亲，已经帮您查到了，明天送达', clientMsgId: 'desk-1' })
    expect(sent.statusCode).toBe(200)
    const { message } = sent.json()
    expect(sent.json()).toMatchObject({ ok: true, duplicate: false, claimed: false, message: { ticketId: ticket.id, conversationId: 'j13', buyerId: 'buyer-13', agentId: 'alice', channel: 'webhook', delivery: { status: 'queued' } } })

    const delivered = await until(async () => {
      const line = (await history(app, 'j13')).messages.find((m: { messageId?: string }) => m.messageId === message.id)
      return line?.delivery?.status === 'sent' && line
    }, 'the reply to be delivered')
    expect(delivered).toMatchObject({ role: 'agent', text: '亲，已经帮您查到了，明天送达', agentId: 'alice', ticketId: ticket.id, delivery: { status: 'sent', attempts: 3 } })
    expect(rx.requests.map((r) => r.status)).toEqual([500, 500, 200])
    expect(rx.delivered()).toHaveLength(1)
    const got = rx.delivered()[0]!
    expect(got.json).toEqual({ messageId: message.id, conversationId: 'j13', buyerId: 'buyer-13', shopId: 'default', text: '亲，已经帮您查到了，明天送达', role: 'agent', sentAt: new Date(message.at).toISOString(), ticketId: ticket.id, agentId: 'alice' })
    // every try is signed over its own raw body
    for (const r of rx.requests) expect(verifySignature(SECRET, r.headers['x-autoreply-signature'] as string, r.body)).toEqual({ ok: true })
    // the agent sees it on the ticket too
    const hb = (await post(app, `/v1/handoff/tickets/${ticket.id}/heartbeat`, { agentId: 'alice' })).json()
    expect(hb.ticket.chat.at(-1)).toMatchObject({ role: 'agent', messageId: message.id, delivery: { status: 'sent' } })

    const resolved = await post(app, `/v1/handoff/tickets/${ticket.id}/resolve`, { agentId: 'alice', text: '还有问题随时找我哦~' })
    expect(resolved.json()).toMatchObject({ ok: true, message: { text: '还有问题随时找我哦~', delivery: { status: 'queued' } } })
    await until(() => rx.delivered().length === 2, 'the closing message')
    expect(rx.delivered()[1]!.json).toMatchObject({ text: '还有问题随时找我哦~', role: 'agent' })

    // after resolve the history stays readable, in order, with roles
    const h = await history(app, 'j13')
    expect(h).toMatchObject({ conversationId: 'j13', buyerId: 'buyer-13', channel: 'webhook' })
    expect(h.ticket).toBeUndefined()
    expect(h.messages.map((m: { role: string; text: string }) => `${m.role}:${m.text}`)).toEqual([
      'buyer:我的快递到哪了', expect.stringMatching(/^bot:/), 'agent:亲，已经帮您查到了，明天送达', 'agent:还有问题随时找我哦~'
    ])
  })

  it('clientMsgId: a retried send is one message, delivered once', async () => {
    const rx = await receiver()
    const app = await build({ env: { ...env(), ...FAST, OUTBOUND_WEBHOOK_URL: rx.url } })
    await post(app, '/v1/messages', msg('转人工', { conversationId: 'dup' }))
    const ticket = (await post(app, '/v1/handoff/claim', { agentId: 'alice' })).json()
    const body = { agentId: 'alice', text: '您好，我是客服小李', clientMsgId: 'same-1' }
    const a = (await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, body)).json()
    const b = (await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, { ...body, text: 'typo fixed' })).json()
    expect(a.duplicate).toBe(false)
    expect(b).toMatchObject({ duplicate: true, message: { id: a.message.id, text: '您好，我是客服小李' } })
    await until(async () => (await history(app, 'dup')).messages.at(-1)?.delivery?.status === 'sent', 'delivery')
    const third = (await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, body)).json()
    expect(third).toMatchObject({ duplicate: true, message: { id: a.message.id, delivery: { status: 'sent' } } })
    expect(rx.delivered().map((r) => r.json.messageId)).toEqual([a.message.id])
    expect((await history(app, 'dup')).messages.filter((m: { role: string }) => m.role === 'agent')).toHaveLength(1)
  })

  it('a reply to a waiting ticket claims it for that agent; the first reply is the 3-minute figure', async () => {
    const rx = await receiver()
    const app = await build({ env: { ...env(), ...FAST, OUTBOUND_WEBHOOK_URL: rx.url } })
    const h = (await post(app, '/v1/messages', msg('我的快递到哪了', { conversationId: 'wait' }))).json()
    const before = (await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()
    expect(before).toMatchObject({ waiting: 1, repliedWithin3mShare: null, repliedLast24h: 0 })
    const r = await post(app, `/v1/handoff/tickets/${h.handoff.ticketId}/replies`, { agentId: 'bob', text: '我来帮您查', clientMsgId: 'x' })
    expect(r.json()).toMatchObject({ claimed: true, message: { agentId: 'bob' } })
    expect((await app.inject({ method: 'GET', url: `/v1/handoff/tickets/${h.handoff.ticketId}` })).json()).toMatchObject({ status: 'claimed', agentId: 'bob' })
    const other = await post(app, `/v1/handoff/tickets/${h.handoff.ticketId}/replies`, { agentId: 'carol', text: '我也来', clientMsgId: 'y' })
    expect(other.statusCode).toBe(409)
    expect(other.json().code).toBe('AR_ERR_NOT_TICKET_OWNER')
    const none = await post(app, '/v1/handoff/tickets/no-such/replies', { agentId: 'bob', text: '?', clientMsgId: 'z' })
    expect(none.json()).toMatchObject({ statusCode: 404, code: 'AR_ERR_TICKET_NOT_FOUND' })
    const empty = await post(app, `/v1/handoff/tickets/${h.handoff.ticketId}/replies`, { agentId: 'bob', text: '  ', clientMsgId: 'e' })
    expect(empty.json()).toMatchObject({ statusCode: 400, code: 'AR_ERR_VALIDATION', details: [{ field: 'text' }] })

    await until(async () => (await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json().outbox.sent === 1, 'the reply to be sent')
    const after = (await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()
    expect(after).toMatchObject({ waiting: 0, claimed: 1, repliedWithin3mShare: 1, repliedLast24h: 1, outbox: { depth: 0, oldestAgeMs: 0, sent: 1, failed: 0 } })
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/autoreply_first_reply_within_3m_ratio\{shop="default"\} 1/)
    expect(metrics).toMatch(/autoreply_outbox_depth\{shop="default"\} 0/)
    expect(metrics).toMatch(/autoreply_outbox_sends_total\{shop="default",outcome="sent"\} 1/)
  })

  it('a receiver that never accepts: dead-lettered after OUTBOX_MAX_ATTEMPTS with the reason in the chat', async () => {
    const rx = await receiver(() => 503)
    const app = await build({ env: { ...env(), ...FAST, OUTBOUND_WEBHOOK_URL: rx.url, OUTBOX_MAX_ATTEMPTS: '3' } })
    await post(app, '/v1/messages', msg('转人工', { conversationId: 'dead' }))
    const ticket = (await post(app, '/v1/handoff/claim', { agentId: 'alice' })).json()
    await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, { agentId: 'alice', text: '在的', clientMsgId: 'd1' })
    const line = await until(async () => {
      const l = (await history(app, 'dead')).messages.at(-1)
      return l?.delivery?.status === 'failed' && l
    }, 'the message to be dead-lettered')
    expect(line.delivery).toMatchObject({ status: 'failed', attempts: 3, reason: 'gave up after 3 tries: the webhook answered HTTP 503' })
    expect(rx.requests).toHaveLength(3)
    expect((await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json().outbox).toMatchObject({ depth: 0, failed: 1 })
    const dead = (await app.inject({ method: 'GET', url: '/v1/outbox/dead-letters' })).json()
    expect(dead.deadLetters).toMatchObject([{ reason: line.delivery.reason, attempts: 3, message: { text: '在的', agentId: 'alice', channel: 'webhook' } }])
  })

  it('the agent who claims a conversation\'s new ticket sees the earlier tickets\' chat', async () => {
    const rx = await receiver()
    const app = await build({ env: { ...env(), ...FAST, OUTBOUND_WEBHOOK_URL: rx.url } })
    await post(app, '/v1/messages', msg('我的快递到哪了', { conversationId: 'again', buyerId: 'b-again' }))
    const first = (await post(app, '/v1/handoff/claim', { agentId: 'alice' })).json()
    expect(first.previous).toEqual([])
    await post(app, `/v1/handoff/tickets/${first.id}/replies`, { agentId: 'alice', text: '单号是 SF123', clientMsgId: 'a1' })
    await post(app, `/v1/handoff/tickets/${first.id}/resolve`, { agentId: 'alice' })
    await post(app, '/v1/messages', msg('在吗', { conversationId: 'again', buyerId: 'b-again' }))
    await post(app, '/v1/messages', msg('还是没收到', { conversationId: 'again', buyerId: 'b-again' }))
    const second = (await post(app, '/v1/handoff/claim', { agentId: 'bob' })).json()
    expect(second.id).not.toBe(first.id)
    expect(second.chat.map((c: { text: string }) => c.text)[0]).toBe('还是没收到')
    expect(second.previous.map((c: { role: string; text: string }) => `${c.role}:${c.text}`)).toEqual([
      'buyer:我的快递到哪了', expect.stringMatching(/^bot:/), 'agent:单号是 SF123', 'buyer:在吗', expect.stringMatching(/^bot:/)
    ])
    expect(second.previous[2]).toMatchObject({ ticketId: first.id, agentId: 'alice' })
  })

  it('history expires after HISTORY_TTL; unknown conversations are 404', async () => {
    const app = await build({ env: { ...env(), HISTORY_TTL: '300ms' } })
    await post(app, '/v1/messages', msg('在吗', { conversationId: 'short' }))
    expect((await history(app, 'short')).messages).toHaveLength(2)
    const gone = await until(async () => {
      const r = await app.inject({ method: 'GET', url: '/v1/conversations/short' })
      return r.statusCode === 404 && r.json()
    }, 'the history to expire')
    expect(gone).toMatchObject({ code: 'AR_ERR_CONVERSATION_NOT_FOUND' })
  })
})
