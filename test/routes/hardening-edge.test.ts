/**
 * What the edge accepts and what the docs promise (issue #14, items 9 and 10): numeric ids, the
 * bearer scheme in any case, the OpenAPI security and error responses, protectable /metrics and /docs.
 */
import { describe, it, expect } from 'vitest'
import { build, msg } from '../helpers/build.js'

describe('input at the edge', () => {
  it('a numeric messageId (WeChat MsgId) is read as its decimal string, and a redelivery matches', async () => {
    const app = await build()
    const body = { ...msg('包邮吗'), messageId: 24_012_345_678 }
    const a = await app.inject({ method: 'POST', url: '/v1/messages', payload: body })
    expect(a.statusCode).toBe(200)
    const b = await app.inject({ method: 'POST', url: '/v1/messages', payload: { ...body, messageId: '24012345678' } })
    expect(b.json()).toEqual(a.json())
  })

  it('a numeric id JSON cannot carry exactly is a 400 naming the field', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(msg('包邮吗')).replace(/"messageId":"[^"]+"/, '"messageId":18446744073709551615') })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('messageId')
  })

  it('`authorization: bearer <token>` works in any case of the scheme name', async () => {
    const app = await build({ env: { WEBHOOK_TOKEN: 'secret-token-1' } })
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `${scheme} secret-token-1` }, payload: msg('包邮吗') })
      expect(res.statusCode, scheme).toBe(200)
    }
    const wrong = await app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: 'bearer secret-token-2' }, payload: msg('包邮吗') })
    expect(wrong.statusCode).toBe(401)
  })
})

describe('OpenAPI', () => {
  it('applies the bearer scheme, lists 401 and 415, and documents /metrics', async () => {
    const app = await build()
    const spec = (await app.inject('/docs/json')).json()
    const post = spec.paths['/v1/messages'].post
    expect(post.security).toEqual([{ bearer: [] }])
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '415']))
    expect(spec.paths['/v1/handoff/claim'].post.security).toEqual([{ bearer: [] }])
    expect(Object.keys(spec.paths['/v1/rules/status'].get.responses)).toContain('401')
    expect(spec.paths['/metrics'].get).toBeDefined()
    expect(spec.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' })
  })
})

describe('/metrics and /docs are protectable', () => {
  it('METRICS_TOKEN and DOCS_TOKEN require the bearer token there', async () => {
    const app = await build({ env: { METRICS_TOKEN: 'metrics-token-1', DOCS_TOKEN: 'docs-token-1' } })
    expect((await app.inject('/metrics')).statusCode).toBe(401)
    const m = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-1' } })
    expect(m.statusCode).toBe(200)
    expect(m.body).toContain('autoreply_messages_total')
    expect((await app.inject('/docs/json')).statusCode).toBe(401)
    expect((await app.inject('/docs')).statusCode).toBe(401)
    expect((await app.inject({ url: '/docs/json', headers: { authorization: 'Bearer docs-token-1' } })).statusCode).toBe(200)
  })

  it('without them both are open, as before', async () => {
    const app = await build()
    expect((await app.inject('/metrics')).statusCode).toBe(200)
    expect((await app.inject('/docs/json')).statusCode).toBe(200)
  })
})
