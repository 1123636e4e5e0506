/**
 * Several shops in one service: a rules directory whose subfolders are shops, each served by the
 * webhook's shopId, with its own queue, conversations and analytics. Run on the embedded store and
 * on a real Redis (a random key prefix per test, removed with SCAN afterwards).
 */
import { describe, it, expect, afterEach } from 'vitest'
import { fileURLToPath } from 'node:url'
import { mkdtemp, cp, rm, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg, untilReady } from '../helpers/build.js'
import { allStores } from '../helpers/redis.js'

const SHOPS = fileURLToPath(new URL('../fixtures/rules-shops', import.meta.url))

const temps: string[] = []
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const stores = allStores()

describe.each(stores)('several shops (%s store)', (_name, env) => {
  async function app () {
    const a = await build({ rules: SHOPS, env: env() })
    await untilReady(a)
    const post = async (text: string, extra: Record<string, unknown>) => {
      const res = await a.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, extra) })
      return { status: res.statusCode, body: res.json() }
    }
    const claim = (shopId: string, agentId = 'agent') => a.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId, shopId } })
    const stats = async (shopId: string) => (await a.inject({ method: 'GET', url: `/v1/handoff/stats?shopId=${shopId}` })).json()
    return { a, post, claim, stats }
  }

  it('answers each shop with its own rules, chosen by shopId', async () => {
    const { post } = await app()
    const a = await post('包邮吗', { shopId: 'shop-a' })
    const b = await post('包邮吗', { shopId: 'shop-b' })
    expect(a.body).toMatchObject({ action: 'reply', replies: [{ text: 'A店：全国包邮，48小时发货~' }], matched: [{ ruleId: 'a-shipping' }] })
    expect(b.body).toMatchObject({ action: 'reply', replies: [{ text: 'B店：满99包邮哦~' }], matched: [{ ruleId: 'b-shipping' }] })
    // only shop-b answers invoices; shop-a hands the question to its people, in its own words
    expect((await post('能开发票吗', { shopId: 'shop-b' })).body.matched[0].ruleId).toBe('b-invoice')
    const handed = await post('能开发票吗', { shopId: 'shop-a' })
    expect(handed.body).toMatchObject({ action: 'handoff', replies: [{ text: 'A店：已为您转接人工客服，前面还有0位~' }] })
  })

  it('an unknown shop, or no shopId when there is no "default" shop, gets a coded 404', async () => {
    const { a, post } = await app()
    const unknown = await post('包邮吗', { shopId: 'shop-z' })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ code: 'AR_ERR_UNKNOWN_SHOP', message: expect.stringContaining('"shop-z"') })
    const none = await post('包邮吗', {})
    expect(none.status).toBe(404)
    expect(none.body).toMatchObject({ code: 'AR_ERR_UNKNOWN_SHOP', message: expect.stringContaining('"default"') })
    for (const req of [
      { method: 'POST' as const, url: '/v1/handoff/claim', payload: { agentId: 'x', shopId: 'shop-z' } },
      { method: 'GET' as const, url: '/v1/handoff/stats?shopId=shop-z' },
      { method: 'GET' as const, url: '/v1/analytics/unmatched?shopId=shop-z' },
      { method: 'POST' as const, url: '/v1/rules/test', payload: { text: '包邮吗', shopId: 'shop-z' } }
    ]) {
      const res = await a.inject(req)
      expect([req.url, res.statusCode, res.json().code]).toEqual([req.url, 404, 'AR_ERR_UNKNOWN_SHOP'])
    }
  })

  it('keeps each shop\'s queue apart: a handoff in shop-a is not claimable from shop-b', async () => {
    const { post, claim, stats } = await app()
    const a = await post('我的快递到哪了', { shopId: 'shop-a', conversationId: 'conv-1', buyerId: 'buyer-1' })
    expect(a.body).toMatchObject({ handoff: { position: 0, reason: 'unmatched' } })
    // same conversation and buyer ids in shop-b: a different chat, first in an empty queue
    const b = await post('转人工', { shopId: 'shop-b', conversationId: 'conv-1', buyerId: 'buyer-1' })
    expect(b.body.handoff).toMatchObject({ position: 0, reason: 'human_request' })
    expect(b.body.handoff.ticketId).not.toBe(a.body.handoff.ticketId)
    expect(await stats('shop-a')).toMatchObject({ waiting: 1 })
    expect(await stats('shop-b')).toMatchObject({ waiting: 1 })

    const fromB = await claim('shop-b', 'bob')
    expect(fromB.json()).toMatchObject({ shopId: 'shop-b', reason: 'human_request', id: b.body.handoff.ticketId })
    expect((await claim('shop-b', 'bob2')).statusCode).toBe(204)
    const fromA = await claim('shop-a', 'alice')
    expect(fromA.json()).toMatchObject({ shopId: 'shop-a', reason: 'unmatched', id: a.body.handoff.ticketId })
    expect(fromA.json().chat[0]).toMatchObject({ role: 'buyer', text: '我的快递到哪了' })
  })

  it('a ticket of one shop cannot be resolved through another shop', async () => {
    const { a, post, claim } = await app()
    await post('我的快递到哪了', { shopId: 'shop-a', conversationId: 'conv-2' })
    const ticket = (await claim('shop-a', 'alice')).json()
    const wrongShop = await a.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/resolve`, payload: { agentId: 'alice', shopId: 'shop-b' } })
    expect(wrongShop.statusCode).toBe(404)
    expect(wrongShop.json().code).toBe('AR_ERR_TICKET_NOT_FOUND')
    const right = await a.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/resolve`, payload: { agentId: 'alice', shopId: 'shop-a' } })
    expect(right.statusCode).toBe(200)
  })

  it('keeps conversation state apart: a welcome in shop-a does not make the buyer known in shop-b', async () => {
    const { post, claim } = await app()
    const ids = { conversationId: 'conv-3', buyerId: 'buyer-3' }
    expect((await post('在吗', { shopId: 'shop-a', ...ids })).body.replies).toEqual([{ type: 'text', text: 'A店：您好，欢迎光临~' }])
    // mid-session in shop-a now...
    expect((await post('在吗', { shopId: 'shop-a', ...ids })).body.replies).toEqual([{ type: 'text', text: 'A店：在的呢~' }])
    // ...but shop-b has never seen this buyer
    expect((await post('在吗', { shopId: 'shop-b', ...ids })).body.replies).toEqual([{ type: 'text', text: 'B店：您好，我是B店客服~' }])

    // an agent holding the chat silences the bot in that shop only
    await post('转人工', { shopId: 'shop-a', ...ids })
    expect((await claim('shop-a', 'alice')).statusCode).toBe(200)
    expect((await post('包邮吗', { shopId: 'shop-a', ...ids })).body).toMatchObject({ action: 'silent', replies: [] })
    expect((await post('包邮吗', { shopId: 'shop-b', ...ids })).body).toMatchObject({ action: 'reply', matched: [{ ruleId: 'b-shipping' }] })
  })

  it('a messageId seen in one shop is not a redelivery in another', async () => {
    const { a } = await app()
    const payload = msg('包邮吗')
    const inA = (await a.inject({ method: 'POST', url: '/v1/messages', payload: { ...payload, shopId: 'shop-a' } })).json()
    const inB = (await a.inject({ method: 'POST', url: '/v1/messages', payload: { ...payload, shopId: 'shop-b' } })).json()
    expect(inA.replies[0].text).toMatch(/^A店/)
    expect(inB.replies[0].text).toMatch(/^B店/)
  })

  it('counts unanswered questions per shop', async () => {
    const { a, post } = await app()
    await post('我的快递到哪了', { shopId: 'shop-a' })
    await post('我的快递到哪了呀', { shopId: 'shop-a' })
    await post('能开发票吗', { shopId: 'shop-a' })
    await post('可以刻字吗', { shopId: 'shop-b' })
    const top = async (shopId: string) => (await a.inject({ method: 'GET', url: `/v1/analytics/unmatched?shopId=${shopId}` })).json()
    const inA = await top('shop-a')
    expect(inA.shopId).toBe('shop-a')
    expect(inA.questions.map((q: { text: string; count: number }) => [q.count, q.text])).toEqual([[2, '我的快递到哪了'], [1, '能开发票吗']])
    const inB = await top('shop-b')
    expect(inB.questions.map((q: { text: string; count: number }) => [q.count, q.text])).toEqual([[1, '可以刻字吗']])
  })
})

describe('the shops of a rules directory', () => {
  it('a new shop folder is served after a reload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shops-'))
    temps.push(dir)
    await cp(SHOPS, dir, { recursive: true })
    const app = await build({ rules: dir })
    await mkdir(join(dir, 'shop-c'))
    await writeFile(join(dir, 'shop-c', 'shop.yaml'), 'rules:\n  - id: c-shipping\n    intent: shipping\n    keywords: [包邮]\n    reply: C店：包邮~\n')
    expect((await app.rules.reload()).ok).toBe(true)
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗', { shopId: 'shop-c' }) })
    expect(res.json().replies[0].text).toBe('C店：包邮~')
  })

  it('refuses to start when top-level files and a "default" folder both claim the shop "default"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shops-'))
    temps.push(dir)
    await cp(join(SHOPS, 'shop-a'), join(dir, 'default'), { recursive: true })
    await cp(join(SHOPS, 'shop-b', 'shop.yaml'), join(dir, 'shop.yaml'))
    await expect(build({ rules: dir })).rejects.toMatchObject({
      code: 'AR_ERR_RULES_INVALID',
      message: expect.stringMatching(/default shop "default" is defined both by the top-level \*\.yaml files and by the "default" folder/)
    })
  })
})
