/** The console's server side without a browser: tokens and roles, headers, files, the event stream. */
import { describe, it, expect } from 'vitest'
import type { AddressInfo } from 'node:net'
import { createParser } from 'eventsource-parser'
import { build, msg, DEMO_RULES } from '../helpers/build.js'
import { until } from '../helpers/until.js'

const env = { AGENT_TOKEN: 'agent-token-1', OPERATOR_TOKEN: 'operator-token-1', RULES_DIR: DEMO_RULES }
const agent = { authorization: 'Bearer agent-token-1' }
const operator = { authorization: 'Bearer operator-token-1' }

describe('console over HTTP', () => {
  it('serves the page with a strict Content-Security-Policy and no secret in it', async () => {
    const app = await build({ env })
    const page = await app.inject('/console/')
    expect(page.statusCode).toBe(200)
    const csp = page.headers['content-security-policy'] as string
    expect(csp).toMatch(/^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self';/)
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.body).not.toContain('agent-token-1')
    expect(page.body).not.toContain('operator-token-1')
    expect((await app.inject('/console')).headers.location).toBe('/console/')
    // the front end's parts come from node_modules, by name only
    for (const f of ['preact.mjs', 'hooks.mjs', 'htm.mjs', 'parse.js', 'errors.js']) {
      const r = await app.inject(`/console/vendor/${f}`)
      expect([f, r.statusCode, /javascript/.test(String(r.headers['content-type']))]).toEqual([f, 200, true])
    }
    expect((await app.inject('/console/vendor/package.json')).statusCode).toBe(404)
    expect((await app.inject('/console/vendor/..%2f..%2fpackage.json')).statusCode).toBe(404)
    expect((await app.inject('/console/app.js')).headers['content-security-policy']).toBe(csp)
  })

  it('every console call needs a token; roles decide the rest', async () => {
    const app = await build({ env })
    expect((await app.inject('/v1/console/me')).json()).toMatchObject({ statusCode: 401, code: 'AR_ERR_UNAUTHORIZED' })
    expect((await app.inject({ url: '/v1/console/me', headers: { authorization: 'Bearer wrong-token' } })).statusCode).toBe(401)
    expect((await app.inject({ url: '/v1/console/me', headers: agent })).json()).toEqual({ roles: ['agent'], agentId: null, shops: ['default'], claimTimeoutMs: 120_000 })
    expect((await app.inject({ url: '/v1/console/me', headers: operator })).json()).toMatchObject({ roles: ['operator'] })
    expect((await app.inject({ url: '/v1/console/today', headers: agent })).json()).toMatchObject({ statusCode: 403, code: 'AR_ERR_CONSOLE_ROLE' })
    for (const url of ['/v1/console/queue', '/v1/console/events', '/v1/console/quick-replies', '/v1/console/today']) {
      expect([url, (await app.inject(url)).statusCode]).toEqual([url, 401])
    }
    expect((await app.inject({ url: '/v1/console/queue?shopId=nope', headers: agent })).json()).toMatchObject({ code: 'AR_ERR_UNKNOWN_SHOP' })
  })

  it('a per-agent token (AGENT_TOKENS) signs its agent in by name, and acts only as that agent', async () => {
    const app = await build({ env: { ...env, AGENT_TOKENS: 'xiaowang=token-of-xiaowang-0001' } })
    const me = (await app.inject({ url: '/v1/console/me', headers: { authorization: 'Bearer token-of-xiaowang-0001' } })).json()
    expect(me).toMatchObject({ roles: ['agent'], agentId: 'xiaowang' })
    const other = await app.inject({ method: 'POST', url: '/v1/handoff/claim', headers: { authorization: 'Bearer token-of-xiaowang-0001' }, payload: { agentId: 'someone-else' } })
    expect(other.statusCode).toBe(403)
  })

  it('refuses everyone when no token is configured: an open console would show buyers to anyone', async () => {
    const app = await build({ env: { RULES_DIR: DEMO_RULES } })
    const r = await app.inject({ url: '/v1/console/me', headers: { authorization: 'Bearer anything-at-all' } })
    expect(r.json()).toMatchObject({ statusCode: 401, code: 'AR_ERR_CONSOLE_DISABLED' })
  })

  it('quick replies and today\'s figures', async () => {
    const app = await build({ env })
    const q = (await app.inject({ url: '/v1/console/quick-replies', headers: agent })).json()
    expect(q.quickReplies[0]).toEqual({ title: '接待', text: '{buyer}您好，我是客服{agent}，已经看到您的消息啦，马上为您处理~' })
    const m1 = msg('包邮吗')
    await app.inject({ method: 'POST', url: '/v1/messages', payload: m1 })
    await app.inject({ method: 'POST', url: '/v1/messages', payload: m1 }) // a redelivery is not more traffic
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })
    const t = (await app.inject({ url: '/v1/console/today', headers: operator })).json()
    expect(t).toMatchObject({ shopId: 'default', timeZone: 'Asia/Shanghai', intents: [{ intent: 'shipping', count: 1 }], stats: { waiting: 1 } })
    expect(t.hours).toHaveLength(24)
    expect(t.hours.reduce((n: number, h: { reply: number; handoff: number }) => n + h.reply + h.handoff, 0)).toBe(2)
  })

  it('streams the queue: a snapshot on connect, another as soon as a chat is handed off', async () => {
    const app = await build({ env })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const abort = new AbortController()
    const res = await fetch(`${base}/v1/console/events`, { headers: agent, signal: abort.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const events: Array<{ tickets: Array<{ lastBuyerText: string; position: number }>; stats: { waiting: number } }> = []
    const parser = createParser({ onEvent: (e) => { if (e.event === 'queue') events.push(JSON.parse(e.data)) } })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    const pump = (async () => { for (;;) { const { value, done } = await reader.read(); if (done) return; parser.feed(decoder.decode(value, { stream: true })) } })().catch(() => {})
    await until(() => events.length === 1, 'the first snapshot')
    expect(events[0]).toMatchObject({ shopId: 'default', tickets: [], stats: { waiting: 0 } })
    await fetch(`${base}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg('我的快递到哪了')) })
    await until(() => events.length === 2, 'the snapshot after the handoff')
    expect(events[1]).toMatchObject({ tickets: [{ lastBuyerText: '我的快递到哪了', position: 0 }], stats: { waiting: 1 } })
    abort.abort()
    await pump
  })
})
