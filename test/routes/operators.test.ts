import { describe, it, expect } from 'vitest'
import { mkdtemp, cp, readFile, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg, MINI_RULES } from '../helpers/build.js'
import { untilMatch } from '../helpers/until.js'

async function copyRules (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'live-rules-'))
  await cp(MINI_RULES, dir, { recursive: true })
  return dir
}

describe('J10: live reload', () => {
  it('a broken save is rejected with file:line, old rules keep serving; the fix goes live', async () => {
    const dir = await copyRules()
    const app = await build({ rules: dir, env: { RULES_WATCH: 'true' } })
    const file = join(dir, 'shop.yaml')
    const good = await readFile(file, 'utf8')
    await writeFile(file, good.replace('    reply: 亲，全国包邮', '    replly: 亲，全国包邮'))
    const status = await untilMatch(async () => (await app.inject({ method: 'GET', url: '/v1/rules/status' })).json(), (s) => s.lastError !== null, 'the rejected save in the status')
    expect(status.lastError.message).toMatch(/shop\.yaml:\d+ \[free-shipping\] .*unknown field "replly"/)
    // the previous rules still answer
    const still = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗') })
    expect(still.json().matched[0].ruleId).toBe('free-shipping')
    // the fix, with a new keyword, is live
    await writeFile(file, good.replace('keywords: [包邮, 运费, 发货, 几天到]', 'keywords: [包邮, 运费, 发货, 几天到, 顺丰]'))
    const fixed = await untilMatch(async () => (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('发顺丰吗') })).json(), (r) => r.action === 'reply', 'the fix to answer')
    expect(fixed.matched[0].ruleId).toBe('free-shipping')
    const after = (await app.inject({ method: 'GET', url: '/v1/rules/status' })).json()
    expect(after.lastError).toBeNull()
    expect(after.lastReload.ok).toBe(true)
    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/autoreply_rules_reloads_total\{result="rejected"\} [1-9]/)
    await rm(dir, { recursive: true })
  })
})

describe('operators API', () => {
  it('POST /v1/rules/test explains which rule answered and which lost', async () => {
    const app = await build()
    const res = await app.inject({ method: 'POST', url: '/v1/rules/test', payload: { text: '支持七天无理由吗' } })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.decision.matched[0].ruleId).toBe('seven-days')
    expect(body.considered).toEqual(expect.arrayContaining([
      expect.objectContaining({ ruleId: 'seven-days', verdict: 'answered', file: expect.stringMatching(/shop\.yaml$/), line: expect.any(Number) }),
      expect.objectContaining({ ruleId: 'return-policy', verdict: 'lost', why: expect.stringContaining('seven-days') })
    ]))
  })

  it('a vetoed rule is explained', async () => {
    const app = await build()
    const body = (await app.inject({ method: 'POST', url: '/v1/rules/test', payload: { text: '我已经退了，能退吗' } })).json()
    expect(body.considered).toEqual([expect.objectContaining({ ruleId: 'return-policy', verdict: 'vetoed', why: expect.stringContaining('已经退了') })])
  })

  it('needs the operator token when one is set', async () => {
    const app = await build({ env: { OPERATOR_TOKEN: 'secret-token-1' } })
    const denied = await app.inject({ method: 'POST', url: '/v1/rules/test', payload: { text: '在吗' } })
    expect(denied.statusCode).toBe(401)
    expect(denied.json().code).toBe('AR_ERR_UNAUTHORIZED')
    const ok = await app.inject({ method: 'POST', url: '/v1/rules/test', headers: { authorization: 'Bearer secret-token-1' }, payload: { text: '在吗' } })
    expect(ok.statusCode).toBe(200)
  })

  it('counts unanswered questions, near-duplicates together, most frequent first', async () => {
    const app = await build()
    for (const text of ['我的快递到哪了', '我的快递到哪了呀', '我的快递到哪了？', '能开发票吗']) {
      await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text) })
    }
    const res = await app.inject({ method: 'GET', url: '/v1/analytics/unmatched?days=7&limit=10' })
    const q = res.json().questions
    expect(q[0]).toMatchObject({ count: 3 })
    expect(q[0].examples).toContain('我的快递到哪了呀')
    expect(q[1]).toMatchObject({ count: 1, text: '能开发票吗' })
  })

  it('health, readiness, metrics and docs answer', async () => {
    const app = await build()
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', store: { kind: 'embedded', ok: true } })
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗') })
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/autoreply_answers_total\{shop="default",intent="shipping",method="keyword"\} 1/)
    const docs = await app.inject({ method: 'GET', url: '/docs/json' })
    expect(docs.json().paths['/v1/messages'].post).toBeDefined()
  })
})
