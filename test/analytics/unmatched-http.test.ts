/**
 * Unanswered-question analytics end to end on the real Redis store: webhook messages in, the
 * operator's list out of GET /v1/analytics/unmatched. Days are moved by faking Date only (timers
 * and Redis I/O stay real), so messages land on the days the test says.
 */
import { describe, it, expect, afterEach, vi } from 'vitest'
import { fileURLToPath } from 'node:url'
import { build, msg, untilReady } from '../helpers/build.js'
import { redisPrefixes, REDIS_URL } from '../helpers/redis.js'

const SHOPS = fileURLToPath(new URL('../fixtures/rules-shops', import.meta.url))
const DAY = 86_400_000
// noon UTC, so "n days ago" never straddles a date boundary
const TODAY = Date.parse('2026-11-20T12:00:00Z')

const newPrefix = redisPrefixes()
afterEach(() => { vi.useRealTimers() })

async function redisApp () {
  const prefix = newPrefix()
  const app = await build({ rules: SHOPS, env: { REDIS_URL, REDIS_PREFIX: prefix } })
  expect(app.store.kind).toBe('redis')
  await untilReady(app)
  /** sends the texts to a shop as buyer messages on the given day (0 = today; needs fake Date to move days) */
  const send = async (shopId: string, daysAgo: number, texts: string[]) => {
    if (vi.isFakeTimers()) vi.setSystemTime(TODAY - daysAgo * DAY)
    for (const text of texts) {
      const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, { shopId }) })
      expect(res.json()).toMatchObject({ action: 'handoff', handoff: { reason: 'unmatched' } })
    }
    if (vi.isFakeTimers()) vi.setSystemTime(TODAY)
  }
  const top = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/analytics/unmatched?${query}` })
    return { status: res.statusCode, body: res.json() }
  }
  return { app, send, top }
}

const counts = (body: { questions: Array<{ text: string; count: number }> }) => body.questions.map((q) => [q.count, q.text])

describe('GET /v1/analytics/unmatched on Redis', () => {
  it('counts per shop and day; days reaches back that many days, today included', async () => {
    const { send, top } = await redisApp()
    // after start-up, whose bounded waits need a clock that moves
    vi.useFakeTimers({ toFake: ['Date'] })
    await send('shop-a', 0, ['可以刻字吗', '可以刻字吗'])
    await send('shop-a', 1, ['可以刻字吗', '有礼盒吗'])
    await send('shop-a', 8, ['有礼盒吗', '有礼盒吗', '有礼盒吗'])
    await send('shop-b', 0, ['周末发货吗'])

    expect(counts((await top('shopId=shop-a&days=1')).body)).toEqual([[2, '可以刻字吗']])
    expect(counts((await top('shopId=shop-a&days=7')).body)).toEqual([[3, '可以刻字吗'], [1, '有礼盒吗']])
    expect(counts((await top('shopId=shop-a&days=35')).body)).toEqual([[4, '有礼盒吗'], [3, '可以刻字吗']])
    // the other shop's questions are its own
    expect(counts((await top('shopId=shop-b&days=35')).body)).toEqual([[1, '周末发货吗']])
    expect((await top('shopId=shop-a&days=7')).body).toMatchObject({ shopId: 'shop-a', days: 7 })
  })

  it('limit keeps the most frequent', async () => {
    const { send, top } = await redisApp()
    await send('shop-a', 0, ['有礼盒吗', '有礼盒吗', '有礼盒吗', '可以刻字吗', '可以刻字吗', '能开发票吗', '支持花呗吗'])
    expect(counts((await top('shopId=shop-a&limit=2')).body)).toEqual([[3, '有礼盒吗'], [2, '可以刻字吗']])
    expect((await top('shopId=shop-a&limit=500')).body.questions).toHaveLength(4)
  })

  it('counts near-duplicates together and keeps a few original wordings', async () => {
    const { send, top } = await redisApp()
    await send('shop-a', 0, ['我的快递到哪了', '我的快递到哪了呀', '我的快遞到哪了', '我的快递到哪了？', '能开发票吗'])
    const { body } = await top('shopId=shop-a')
    expect(body.questions).toHaveLength(2)
    expect(body.questions[0]).toMatchObject({ text: '我的快递到哪了', count: 4 })
    // as the buyers wrote them: traditional characters and punctuation kept
    expect(body.questions[0].examples).toEqual(expect.arrayContaining(['我的快递到哪了呀', '我的快遞到哪了']))
    expect(body.questions[0].examples.length).toBeLessThanOrEqual(5)
    expect(body.questions[1]).toMatchObject({ text: '能开发票吗', count: 1, examples: ['能开发票吗'] })
  })

  it('answers a bad query with a 400 naming the field', async () => {
    const { top } = await redisApp()
    for (const [query, field] of [['days=0', 'days'], ['days=36', 'days'], ['days=1.5', 'days'], ['limit=abc', 'limit'], ['limit=0', 'limit'], ['shopId=a%20b', 'shopId']] as const) {
      const { status, body } = await top(query)
      expect([query, status, body.code]).toEqual([query, 400, 'AR_ERR_VALIDATION'])
      expect(body.message).toContain(`querystring.${field}`)
      expect(body.details).toEqual([expect.objectContaining({ field: `querystring.${field}` })])
    }
  })
})
