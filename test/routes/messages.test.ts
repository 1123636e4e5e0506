import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'

describe('POST /v1/messages', () => {
  it('J1: 在吗 from a new buyer gets the welcome; a returning buyer the returning greeting', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('在吗', { conversationId: 'j1', buyerId: 'b-j1' }) })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ action: 'reply', replies: [{ type: 'text', text: '您好，我是小美😊' }], matched: [{ intent: 'greeting' }] })
  })

  it('J4: the return policy', async () => {
    const app = await build()
    for (const text of ['不合适可以退吗', '支持七天无理由吗']) {
      const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text) })
      expect(res.json().matched[0].intent).toBe('return_policy')
    }
  })

  it('J5/J7: unanswered and 转人工 hand off with the queue position', async () => {
    const app = await build()
    const first = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })
    expect(first.json()).toMatchObject({ action: 'handoff', handoff: { reason: 'unmatched', priority: 'normal', position: 0 } })
    const second = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('转人工') })
    expect(second.json().handoff).toMatchObject({ reason: 'human_request', position: 1 })
    // nobody online yet: the holding reply says so honestly
    expect(second.json().replies[0].text).toBe('客服暂时不在线，已为您排队（前面1位）~')
  })

  it('J6: a complaint goes to the front of the queue', async () => {
    const app = await build()
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我要投诉你们 骗子') })
    expect(res.json()).toMatchObject({ action: 'handoff', handoff: { reason: 'complaint', priority: 'urgent', position: 0 } })
    expect(res.json().replies[0].text).toBe('非常理解您的心情，已为您优先转接主管~')
  })

  it('J11: a redelivered messageId gets the identical response and no second ticket', async () => {
    const app = await build()
    const payload = msg('我的快递到哪了')
    const a = await app.inject({ method: 'POST', url: '/v1/messages', payload })
    const b = await app.inject({ method: 'POST', url: '/v1/messages', payload })
    expect(b.json()).toEqual(a.json())
    const stats = await app.inject({ method: 'GET', url: '/v1/handoff/stats' })
    expect(stats.json().waiting).toBe(1)
  })

  it('enter: the welcome for a new buyer; an image is handed to a human', async () => {
    const app = await build()
    const enter = await app.inject({ method: 'POST', url: '/v1/messages', payload: { messageId: 'e1', conversationId: 'ce', buyerId: 'be', type: 'enter' } })
    expect(enter.json().replies[0].text).toBe('您好，我是小美😊')
    const image = await app.inject({ method: 'POST', url: '/v1/messages', payload: { messageId: 'i1', conversationId: 'ci', buyerId: 'bi', type: 'image' } })
    expect(image.json()).toMatchObject({ action: 'handoff', handoff: { reason: 'unmatched' } })
  })

  it('an unknown shop is a coded 404', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('在吗', { shopId: 'nope' }) })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('AR_ERR_UNKNOWN_SHOP')
  })
})

describe('J12: bad input gets a clear 4xx naming the field', () => {
  const cases: Array<[string, unknown, number, string, RegExp]> = [
    ['missing fields', { text: '在吗' }, 400, 'AR_ERR_VALIDATION', /messageId/],
    ['wrong type', { messageId: true, conversationId: 'c', buyerId: 'b', text: '在吗' }, 400, 'AR_ERR_VALIDATION', /messageId/],
    ['empty text', { messageId: 'm', conversationId: 'c', buyerId: 'b', text: '   ' }, 400, 'AR_ERR_VALIDATION', /text/],
    ['emoji only', { messageId: 'm', conversationId: 'c', buyerId: 'b', text: '😭😭🙏' }, 400, 'AR_ERR_VALIDATION', /text: .*emoji/],
    ['control characters', { messageId: 'm', conversationId: 'c', buyerId: 'b', text: '在吗\u0000\u0007' }, 400, 'AR_ERR_VALIDATION', /text: .*control/],
    ['unknown type', { messageId: 'm', conversationId: 'c', buyerId: 'b', type: 'fax', text: 'x' }, 400, 'AR_ERR_VALIDATION', /type/],
    ['text too long', { messageId: 'm', conversationId: 'c', buyerId: 'b', text: '退'.repeat(2001) }, 400, 'AR_ERR_VALIDATION', /text/]
  ]
  it.each(cases)('%s', async (_name, payload, status, code, message) => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: payload as object })
    expect(res.statusCode).toBe(status)
    expect(res.json().code).toBe(code)
    expect(res.json().message).toMatch(message)
  })

  it('invalid JSON', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json' }, payload: '{"messageId": "m",' })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('AR_ERR_INVALID_JSON')
  })

  it('a 1 MB body is refused with 413 and nothing is written', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: { messageId: 'big', conversationId: 'c', buyerId: 'b', text: 'x'.repeat(1024 * 1024) } })
    expect(res.statusCode).toBe(413)
    expect(res.json().code).toBe('AR_ERR_BODY_TOO_LARGE')
    const stats = await app.inject({ method: 'GET', url: '/v1/handoff/stats' })
    expect(stats.json().waiting).toBe(0)
  })

  it('a non-JSON content type is 415', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'text/plain' }, payload: 'hi' })
    expect(res.statusCode).toBe(415)
    expect(res.json().code).toBe('AR_ERR_UNSUPPORTED_MEDIA')
  })
})
