/**
 * Two app instances on one Redis prefix: the instance that took a reply dies mid-send (its
 * receiver request hangs, then the instance closes); the other delivers it once the lease lapses,
 * and the receiver accepts it exactly once.
 */
import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'
import { REDIS_URL, redisPrefixes } from '../helpers/redis.js'
import { receiver } from '../helpers/receiver.js'
import { until } from '../helpers/until.js'

const prefix = redisPrefixes()

describe('outbox across instances (Redis)', () => {
  it('an instance killed mid-send leaves the message to another instance', async () => {
    const rx = await receiver((n) => (n === 0 ? 'hang' : 200))
    const common = { REDIS_URL, REDIS_PREFIX: prefix(), OUTBOUND_WEBHOOK_URL: rx.url, OUTBOX_LEASE: '1s', OUTBOX_SEND_TIMEOUT: '900ms' }
    // b starts sending only once a is holding the message, so a is the one that takes it
    const a = await build({ env: common })
    const b = await build({ env: { ...common, OUTBOX_SEND: 'false' } })
    await a.inject({ method: 'POST', url: '/v1/messages', payload: msg('转人工', { conversationId: 'kill' }) })
    const ticket = (await b.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).json()
    const r = (await b.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/replies`, payload: { agentId: 'alice', text: '马上为您处理', clientMsgId: 'k1' } })).json()

    await until(() => rx.requests.length === 1, 'instance a to be sending')
    await a.close()
    const c = await build({ env: common })
    // the sender starts with the app (listen or ready)
    await c.ready()
    await until(() => rx.delivered().length === 1, 'another instance to deliver it')
    const line = await until(async () => {
      const h = (await c.inject({ method: 'GET', url: '/v1/conversations/kill' })).json()
      const l = h.messages.at(-1)
      return l?.delivery?.status === 'sent' && l
    }, 'the chat to say sent')
    expect(line).toMatchObject({ messageId: r.message.id, delivery: { status: 'sent', attempts: 2 } })
    expect(rx.requests.map((q) => q.json.messageId)).toEqual([r.message.id, r.message.id])
    expect(rx.delivered()).toHaveLength(1)
    expect((await c.outbox.stats('default')).sent).toBe(1)
  })
})
