/**
 * Events for desks: ticket.created / claimed / resolved / requeued on the in-process bus
 * (app.events) and, signed, on EVENTS_WEBHOOK_URL (a local receiver).
 */
import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'
import { bothStores } from '../helpers/redis.js'
import { receiver } from '../helpers/receiver.js'
import { until } from '../helpers/until.js'
import { verifySignature } from '../../src/signing/signature.js'
import type { ServiceEvent } from '../../src/events/bus.js'

const stores = bothStores()
const SECRET = 'events-secret-0123456789'

describe.each(stores)('ticket events (%s store)', (_name, env) => {
  it('created, claimed, requeued, claimed by a reply, resolved: on app.events and the signed event webhook', async () => {
    const rx = await receiver()
    const app = await build({ env: { ...env(), EVENTS_WEBHOOK_URL: rx.url, EVENTS_WEBHOOK_SECRET: SECRET } })
    const seen: ServiceEvent[] = []
    app.events.onEvent((e) => seen.push(e))
    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload })

    const h = (await post('/v1/messages', msg('我要投诉 你们是骗子', { conversationId: 'ev' }))).json()
    // a later message of the same conversation joins the ticket: no second created
    await post('/v1/messages', msg('还在吗', { conversationId: 'ev' }))
    const id = h.handoff.ticketId
    await post('/v1/handoff/claim', { agentId: 'alice' })
    await post(`/v1/handoff/tickets/${id}/release`, { agentId: 'alice' })
    await post(`/v1/handoff/tickets/${id}/replies`, { agentId: 'bob', text: '您好', clientMsgId: 'r1' })
    await post(`/v1/handoff/tickets/${id}/resolve`, { agentId: 'bob' })

    const expected = [
      { type: 'ticket.created', ticketId: id, conversationId: 'ev', priority: 'urgent', reason: 'complaint' },
      { type: 'ticket.claimed', ticketId: id, agentId: 'alice' },
      { type: 'ticket.requeued', ticketId: id, agentId: 'alice', why: 'released' },
      { type: 'ticket.claimed', ticketId: id, agentId: 'bob' },
      { type: 'ticket.resolved', ticketId: id, agentId: 'bob', conversationId: 'ev' }
    ]
    expect(seen.filter((e) => e.type.startsWith('ticket.'))).toMatchObject(expected.map((e) => ({ shopId: 'default', ...e })))
    await until(() => rx.requests.length >= 5, 'the event webhooks')
    expect(rx.requests.map((r) => r.json.event)).toEqual(expected.map((e) => e.type))
    for (const r of rx.requests) expect(verifySignature(SECRET, r.headers['x-autoreply-signature'] as string, r.body)).toEqual({ ok: true })
    expect(rx.requests[0]!.json).toMatchObject({ event: 'ticket.created', type: 'ticket.created', ticketId: id, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
  })

  it('a claim that lapses without a heartbeat: ticket.requeued (expired), emitted once', async () => {
    const rx = await receiver()
    const app = await build({ env: { ...env(), CLAIM_TIMEOUT: '300ms', EVENTS_WEBHOOK_URL: rx.url } })
    const seen: ServiceEvent[] = []
    app.events.onEvent((e) => seen.push(e))
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('转人工', { conversationId: 'lapse' }) })
    const t = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'ghost' } })).json()
    const ev = await until(() => seen.find((e) => e.type === 'ticket.requeued'), 'the requeued event')
    expect(ev).toMatchObject({ type: 'ticket.requeued', ticketId: t.id, conversationId: 'lapse', agentId: 'ghost', why: 'expired' })
    await until(() => rx.requests.some((r) => r.json.event === 'ticket.requeued'), 'the requeued webhook')
    // handed out once: a later look returns nothing more
    expect(await app.store.takeRequeued('default')).toEqual([])
    expect(seen.filter((e) => e.type === 'ticket.requeued')).toHaveLength(1)
  })
})
