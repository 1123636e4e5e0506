/**
 * Fixed signature vectors (key, timestamp, body → hex, computed independently with
 * `printf '%s' "<t>.<body>" | openssl dgst -sha256 -hmac <key>`), both directions, and the
 * inbound webhook's refusals over HTTP on both stores.
 */
import { describe, it, expect } from 'vitest'
import { signature, signHeader, verifySignature } from '../../src/signing/signature.js'
import { webhookPayload } from '../../src/outbox/index.js'
import { build } from '../helpers/build.js'
import { bothStores } from '../helpers/redis.js'

const INBOUND_KEY = 'test-secret-0123456789'
const INBOUND_BODY = '{"messageId":"m-1","conversationId":"c-1","buyerId":"b-1","text":"在吗"}'
const INBOUND_HEX = '6bd39ee3970246c54255e6a7e5bf2f39632b2dcc4e97bb263dba549bdda40372'
const OUTBOUND_KEY = 'outbound-secret-0123456789'
const OUTBOUND_HEX = '5fb37fe460339b03de5e4dfc7c214d206770f80f76ae7a268db234e2ad733a00'

describe('signature vectors', () => {
  it('inbound: key, timestamp and body give the fixed hex; the header verifies within 300 s', () => {
    expect(signature(INBOUND_KEY, 1_700_000_000, INBOUND_BODY)).toBe(INBOUND_HEX)
    const header = `t=1700000000,v1=${INBOUND_HEX}`
    expect(signHeader(INBOUND_KEY, INBOUND_BODY, 1_700_000_000_999)).toBe(header)
    expect(verifySignature(INBOUND_KEY, header, INBOUND_BODY, 1_700_000_300_000)).toEqual({ ok: true })
    expect(verifySignature(INBOUND_KEY, header, INBOUND_BODY, 1_700_000_301_000)).toEqual({ ok: false, reason: 'stale' })
    expect(verifySignature(INBOUND_KEY, header, INBOUND_BODY, 1_699_999_699_000)).toEqual({ ok: false, reason: 'stale' })
    expect(verifySignature(INBOUND_KEY, header, INBOUND_BODY.replace('在吗', '在吗?'), 1_700_000_000_000)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifySignature('another-secret-0123', header, INBOUND_BODY, 1_700_000_000_000)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifySignature(INBOUND_KEY, undefined, INBOUND_BODY)).toEqual({ ok: false, reason: 'missing' })
    expect(verifySignature(INBOUND_KEY, 'v1=abc', INBOUND_BODY)).toEqual({ ok: false, reason: 'malformed' })
    // a rotation: either of two signatures may match
    expect(verifySignature(INBOUND_KEY, `t=1700000000,v1=${'0'.repeat(64)},v1=${INBOUND_HEX}`, INBOUND_BODY, 1_700_000_000_000)).toEqual({ ok: true })
  })

  it('outbound: the payload a receiver gets, byte for byte, and its signature', () => {
    const body = JSON.stringify(webhookPayload({
      id: 'a-1', shopId: 'default', conversationId: 'c-1', buyerId: 'b-1', channel: 'webhook', role: 'agent',
      text: '亲，已经帮您查到了', sentAt: Date.parse('2026-12-02T06:00:00.000Z')
    }))
    expect(body).toBe('{"messageId":"a-1","conversationId":"c-1","buyerId":"b-1","shopId":"default","text":"亲，已经帮您查到了","role":"agent","sentAt":"2026-12-02T06:00:00.000Z"}')
    expect(signHeader(OUTBOUND_KEY, body, 1_796_200_000_000)).toBe(`t=1796200000,v1=${OUTBOUND_HEX}`)
  })
})

const stores = bothStores()
const SECRET = 'inbound-secret-0123456789'

describe.each(stores)('signed inbound webhook (%s store)', (_name, env) => {
  const send = (app: Awaited<ReturnType<typeof build>>, body: string, header?: string) => app.inject({
    method: 'POST', url: '/v1/messages', payload: body,
    headers: { 'content-type': 'application/json', ...(header ? { 'x-autoreply-signature': header } : {}) }
  })

  it('unsigned, badly signed or stale requests get a coded 401 and nothing is stored', async () => {
    const app = await build({ env: { ...env(), WEBHOOK_SECRET: SECRET } })
    const body = JSON.stringify({ messageId: 'sig-1', conversationId: 'c-sig', buyerId: 'b', text: '我的快递到哪了' })
    const refusals = [
      await send(app, body),
      await send(app, body, `t=${Math.floor(Date.now() / 1000)},v1=${'a'.repeat(64)}`),
      await send(app, body, signHeader(SECRET, body, Date.now() - 301_000)),
      await send(app, body, signHeader('the-wrong-secret-0123', body)),
      // invalid JSON unsigned: refused for the signature before anything parses it
      await send(app, '{not json')
    ]
    for (const r of refusals) expect(r.json()).toMatchObject({ statusCode: 401, code: 'AR_ERR_BAD_SIGNATURE' })
    expect(refusals[0]!.json().message).toMatch(/missing/)
    expect(refusals[2]!.json().message).toMatch(/300 s/)
    expect(await app.store.getCommitted('default', 'sig-1')).toBeNull()
    expect((await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()).toMatchObject({ waiting: 0, ticketsLast24h: 0 })
  })

  it('a signed request is answered; the same captured request sent again has no second effect', async () => {
    const app = await build({ env: { ...env(), WEBHOOK_SECRET: SECRET } })
    const body = JSON.stringify({ messageId: 'sig-2', conversationId: 'c-sig2', buyerId: 'b', text: '我的快递到哪了' })
    const header = signHeader(SECRET, body)
    const first = await send(app, body, header)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ action: 'handoff', handoff: { position: 0 } })
    const replay = await send(app, body, header)
    expect(replay.json()).toEqual(first.json())
    expect((await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()).toMatchObject({ waiting: 1, ticketsLast24h: 1 })
    const ticket = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).json()
    expect(ticket.chat.filter((c: { role: string }) => c.role === 'buyer')).toHaveLength(1)
    // documented in the OpenAPI spec
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(JSON.stringify(spec.paths['/v1/messages'].post.parameters)).toContain('x-autoreply-signature')
  })
})
