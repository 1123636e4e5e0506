/**
 * J5-J9 over HTTP, on both stores: the embedded one and a real Redis (random key prefix per test).
 */
import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'
import { allStores } from '../helpers/redis.js'

const stores = allStores()

describe.each(stores)('handoff over HTTP (%s store)', (_name, env) => {
  it('J8: an agent claims the oldest chat (urgent first), the bot stays silent, resolve gives it back', async () => {
    const app = await build({ env: env() })
    const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/messages', payload })
    await post(msg('我的快递到哪了', { conversationId: 'normal-1' }))
    await post(msg('我要投诉 你们是骗子', { conversationId: 'angry-1' }))

    const claim = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })
    expect(claim.statusCode).toBe(200)
    const ticket = claim.json()
    expect(ticket).toMatchObject({ conversationId: 'angry-1', priority: 'urgent', reason: 'complaint', status: 'claimed', agentId: 'alice' })
    expect(ticket.chat[0]).toMatchObject({ role: 'buyer', text: '我要投诉 你们是骗子' })
    // and what the bot said to the buyer
    expect(ticket.chat[1]).toMatchObject({ role: 'bot', text: '非常理解您的心情，已为您优先转接主管~' })

    // the holding reply is recorded as the buyer saw it: position filled in; nobody was online then
    const other = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'bob' } })
    expect(other.json().chat.at(-1)).toMatchObject({ role: 'bot', text: '客服暂时不在线，已为您排队（前面0位）~' })
    await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${other.json().id}/release`, payload: { agentId: 'bob' } })

    // while claimed: silent, and the message is appended for the agent
    const during = await post(msg('能退吗', { conversationId: 'angry-1' }))
    expect(during.json()).toMatchObject({ action: 'silent', replies: [] })
    const hb = await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/heartbeat`, payload: { agentId: 'alice' } })
    expect(hb.json().ticket.chat.map((c: { text: string }) => c.text)).toContain('能退吗')

    // someone else cannot resolve it
    const wrong = await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/resolve`, payload: { agentId: 'bob' } })
    expect(wrong.statusCode).toBe(409)
    expect(wrong.json().code).toBe('AR_ERR_NOT_TICKET_OWNER')

    const resolved = await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/resolve`, payload: { agentId: 'alice' } })
    expect(resolved.json()).toEqual({ ok: true })
    const after = await post(msg('能退吗', { conversationId: 'angry-1' }))
    expect(after.json().action).toBe('reply')

    const next = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'bob' } })
    expect(next.json()).toMatchObject({ conversationId: 'normal-1', priority: 'normal' })
    const none = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'carol' } })
    expect(none.statusCode).toBe(204)
  })

  it('one open ticket per conversation: later messages are appended, not queued again', async () => {
    const app = await build({ env: env() })
    const a = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了', { conversationId: 'same' }) })
    const b = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('怎么还没到', { conversationId: 'same' }) })
    expect(b.json().handoff.ticketId).toBe(a.json().handoff.ticketId)
    const stats = (await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()
    expect(stats).toMatchObject({ waiting: 1, urgent: 0 })
    const t = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'x' } })).json()
    expect(t.chat.filter((c: { role: string }) => c.role === 'buyer').map((c: { text: string }) => c.text)).toEqual(['我的快递到哪了', '怎么还没到'])
  })

  it('J11: redelivery gives the same response and no second ticket', async () => {
    const app = await build({ env: env() })
    const payload = msg('能开发票吗')
    const first = await app.inject({ method: 'POST', url: '/v1/messages', payload })
    const again = await app.inject({ method: 'POST', url: '/v1/messages', payload })
    expect(again.body).toBe(first.body)
    expect((await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json().waiting).toBe(1)
  })

  it('J1: a returning buyer is greeted as returning only after the session gap', async () => {
    const app = await build({ env: env() })
    const first = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('在吗', { conversationId: 'g' }) })
    expect(first.json().matched[0].outcome).toBe('first')
    const again = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('在吗', { conversationId: 'g' }) })
    expect(again.json().matched[0].outcome).toBe('again')
  })

  it('J2: asked for figures, the next message with figures gets the size', async () => {
    const app = await build({ env: env() })
    const ask = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('穿多大码', { conversationId: 'sz' }) })
    expect(ask.json().matched[0].outcome).toBe('ask')
    const ans = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('160 100斤', { conversationId: 'sz' }) })
    expect(ans.json()).toMatchObject({ action: 'reply', matched: [{ intent: 'size', method: 'context' }] })
    expect(ans.json().replies[0].text).toContain('M')
  })
})

describe('agent names', () => {
  it('"_queue" and other names starting with "_" are reserved for the store', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: '_queue' } })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', details: [{ field: 'agentId' }] })
  })
})
