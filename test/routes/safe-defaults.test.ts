/**
 * Safe by default (issue #14, item 2) and text made well-formed at the edge (item 1): without tokens
 * agent and operator routes stay on this machine; phone, ID and address are masked in the unanswered
 * list while the agent sees the whole chat; a lone surrogate becomes U+FFFD, never a 500.
 */
import { describe, it, expect } from 'vitest'
import { build, msg, MINI_RULES } from '../helpers/build.js'
import { bothStores } from '../helpers/redis.js'
import { startService } from '../helpers/child.js'
import { accessPolicy } from '../../src/access.js'
import { maskPersonalData } from '../../src/analytics/mask.js'

describe('access policy', () => {
  it('without tokens binds loopback, unless NODE_ENV=development; with tokens 0.0.0.0', () => {
    expect(accessPolicy({}).host).toBe('127.0.0.1')
    expect(accessPolicy({}).line).toBe('access: no AGENT_TOKEN or OPERATOR_TOKEN: listening on 127.0.0.1 only; set the token(s) to serve other machines')
    expect(accessPolicy({ NODE_ENV: 'development' })).toMatchObject({ host: '0.0.0.0', agentsLoopbackOnly: false })
    expect(accessPolicy({ AGENT_TOKEN: 'a'.repeat(8), OPERATOR_TOKEN: 'o'.repeat(8) })).toMatchObject({ host: '0.0.0.0', agentsLoopbackOnly: false, operatorsLoopbackOnly: false })
    expect(accessPolicy({ HOST: '0.0.0.0', OPERATOR_TOKEN: 'o'.repeat(8) })).toMatchObject({ host: '0.0.0.0', agentsLoopbackOnly: true, operatorsLoopbackOnly: false })
  })

  it('HOST=0.0.0.0 without tokens: agent and operator routes refuse other machines with 403; the webhook answers', async () => {
    const app = await build({ env: { HOST: '0.0.0.0' } })
    const far = { remoteAddress: '192.0.2.10' }
    const claim = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'a' }, ...far })
    expect(claim.statusCode).toBe(403)
    expect(claim.json()).toMatchObject({ code: 'AR_ERR_TOKEN_REQUIRED', message: 'These routes answer clients on this machine only until AGENT_TOKEN is set' })
    expect((await app.inject({ url: '/v1/analytics/unmatched', ...far })).json().code).toBe('AR_ERR_TOKEN_REQUIRED')
    expect((await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗'), ...far })).statusCode).toBe(200)
    // the same machine still works (a desk or operator on the host)
    expect((await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'a' }, remoteAddress: '127.0.0.1' })).statusCode).toBe(204)
  })

  it('the real process without tokens and without HOST listens on loopback and says so in one line', async () => {
    const svc = await startService({ RULES_DIR: MINI_RULES, HOST: '' })
    expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(svc.lines.filter((l) => l.includes('"msg":"access: ')).length).toBe(1)
    expect(svc.lines.join('\n')).toContain('access: no AGENT_TOKEN or OPERATOR_TOKEN: listening on 127.0.0.1 only')
    svc.proc.kill('SIGTERM')
    await svc.exited
   }, 90_000)
})

describe('masking personal data', () => {
  it('masks mobiles, landlines, ID numbers and addresses; leaves sizes, shades and order talk', () => {
    expect(maskPersonalData('我的电话13812345678帮我改地址')).toBe('我的电话[手机号]帮我改地址')
    // the words before an address may go with it: masking too much is the safe side
    expect(maskPersonalData('寄到幸福小区3栋2单元501室 电话 138-1234-5678')).toBe('[地址] 电话 [手机号]')
    expect(maskPersonalData('幸福小区3栋2单元501室')).toBe('[地址]')
    expect(maskPersonalData('身份证110101199003077777')).toBe('身份证[身份证号]')
    expect(maskPersonalData('座机010-12345678')).toBe('座机[电话]')
    for (const t of ['我身高165体重110斤', '999号色还有吗', '3号发货吗', '订单号 2024112512345678 到哪了']) expect(maskPersonalData(t)).toBe(t)
  })
})

describe.each(bothStores())('unanswered list and chat (%s store)', (_name, env) => {
  it('the unanswered list masks phone and address; the agent sees the full chat', async () => {
    const app = await build({ env: env() })
    const text = '帮我改地址 北京市朝阳区建国路88号 电话13812345678'
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text) })
    expect(res.json().action).toBe('handoff')
    const list = (await app.inject('/v1/analytics/unmatched?days=1')).json()
    const shown = JSON.stringify(list)
    expect(shown).not.toContain('13812345678')
    expect(shown).not.toContain('建国路88号')
    expect(shown).toContain('[手机号]')
    const ticket = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).json()
    expect(ticket.chat[0].text).toBe(text)
  })

  it('a lone surrogate (half an emoji) becomes U+FFFD: 200, and the chat holds it well-formed', async () => {
    const app = await build({ env: env() })
    const payload = JSON.stringify(msg('我的快递到哪了X')).replace('X', '\\ud83d')
    const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json' }, payload })
    expect(res.statusCode).toBe(200)
    const ticket = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).json()
    expect(ticket.chat[0].text).toBe('我的快递到哪了\uFFFD')
  })
})
