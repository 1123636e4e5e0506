/**
 * A redelivery is the same message; a reused messageId with another body is a coded 409, never
 * another buyer's stored response (issue #14, item 9). On both stores.
 */
import { describe, it, expect } from 'vitest'
import { build } from '../helpers/build.js'
import { allStores } from '../helpers/redis.js'

describe.each(allStores())('messageId reuse (%s store)', (_name, env) => {
  it('same id from another conversation: 409 AR_ERR_MESSAGE_ID_REUSED, and no ticket for it', async () => {
    const app = await build({ env: env() })
    const first = await app.inject({ method: 'POST', url: '/v1/messages', payload: { messageId: 'm-reused', conversationId: 'c-a', buyerId: 'b-a', text: '包邮吗' } })
    expect(first.statusCode).toBe(200)
    const other = await app.inject({ method: 'POST', url: '/v1/messages', payload: { messageId: 'm-reused', conversationId: 'c-b', buyerId: 'b-b', text: '我要投诉 骗子' } })
    expect(other.statusCode).toBe(409)
    expect(other.json()).toMatchObject({ code: 'AR_ERR_MESSAGE_ID_REUSED', message: 'messageId: "m-reused" was already used for another message (another conversation or text); ids must be unique per shop, e.g. prefixed by platform' })
    expect(other.body).not.toContain('全国包邮')
    const stats = (await app.inject('/v1/handoff/stats')).json()
    expect(stats.waiting).toBe(0)
  })

  it('same id, same conversation, other text: 409; a true redelivery: the identical response', async () => {
    const app = await build({ env: env() })
    const body = { messageId: 'm-same', conversationId: 'c-s', buyerId: 'b-s', text: '我的快递到哪了' }
    const a = await app.inject({ method: 'POST', url: '/v1/messages', payload: body })
    const again = await app.inject({ method: 'POST', url: '/v1/messages', payload: body })
    expect(again.body).toBe(a.body)
    const changed = await app.inject({ method: 'POST', url: '/v1/messages', payload: { ...body, text: '包邮吗' } })
    expect(changed.statusCode).toBe(409)
  })
})
