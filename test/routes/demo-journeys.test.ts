/**
 * The brief's journeys on the shipped demo shop, through the webhook as a platform would call it.
 * J2's multi-turn size question runs on both stores: the pending question lives in the store.
 */
import { describe, it, expect } from 'vitest'
import { randomUUID } from 'node:crypto'
import { build, msg, DEMO_RULES } from '../helpers/build.js'
import { bothStores } from '../helpers/redis.js'

const stores = bothStores()

type App = Awaited<ReturnType<typeof build>>
const say = async (app: App, text: string, extra: Record<string, unknown> = {}) =>
  (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, extra) })).json()

describe.each(stores)('demo shop journeys (%s store)', (_name, env) => {
  it('J2: figures in any form get a size; without figures the bot asks, and the next message answers', async () => {
    const app = await build({ rules: DEMO_RULES, env: env() })
    // the demo tops chart: M is 158–164 cm / 95–110 斤, L is 164–170 cm / 110–125 斤
    expect((await say(app, '我身高160体重100斤穿什么码')).replies[0].text).toContain('M 码')
    expect((await say(app, '一米六五 五十五公斤 穿多大')).replies[0].text).toContain('L 码')
    const conv = `conv-${randomUUID()}`
    const ask = await say(app, '穿多大码', { conversationId: conv })
    expect(ask.matched[0]).toMatchObject({ intent: 'size', outcome: 'ask' })
    const answer = await say(app, '165 110斤', { conversationId: conv })
    expect(answer.matched[0]).toMatchObject({ intent: 'size', method: 'context', outcome: 'fit' })
    expect(answer.replies[0].text).toContain('L 码')
  })

  it('J2: the trousers chart that asked answers, not the tops chart', async () => {
    const app = await build({ rules: DEMO_RULES, env: env() })
    const conv = `conv-${randomUUID()}`
    expect((await say(app, '这条裤子穿多大码', { conversationId: conv })).matched[0]).toMatchObject({ ruleId: 'trousers-size', outcome: 'ask' })
    const answer = await say(app, '1米7 130斤', { conversationId: conv })
    expect(answer.matched[0]).toMatchObject({ ruleId: 'trousers-size', method: 'context' })
    expect(answer.replies[0].text).toContain('裤子')
  })
})

describe('demo shop journeys (answers)', () => {
  it('J3: a shade, shades for a skin tone, the list, and an honest answer for a shade we lack', async () => {
    const app = await build({ rules: DEMO_RULES })
    expect((await say(app, '999是什么颜色')).replies.at(-1).text).toContain('正红')
    expect((await say(app, '黄皮适合哪个色号')).matched[0]).toMatchObject({ intent: 'shade', outcome: 'suits' })
    expect((await say(app, '有哪些色号')).matched[0]).toMatchObject({ intent: 'shade', outcome: 'list' })
    const lack = await say(app, '888有吗')
    expect(lack.matched[0]).toMatchObject({ intent: 'shade', outcome: 'unknown' })
    expect(lack.replies.at(-1).text).toContain('没有888')
  })

  it('J3: coupons, prices and stock never fire a shade', async () => {
    const app = await build({ rules: DEMO_RULES })
    for (const text of ['999-300能用吗', '满999减100吗', '999有货吗', '口红多少钱']) {
      const r = await say(app, text)
      expect(r.matched.filter((m: { intent: string }) => m.intent === 'shade'), text).toEqual([])
    }
  })

  it('J4 and J6: the return policy; a complaint that mentions returns is still a complaint', async () => {
    const app = await build({ rules: DEMO_RULES })
    expect((await say(app, '不合适可以退吗')).matched[0].intent).toBe('return_policy')
    expect((await say(app, '支持七天无理由吗')).matched[0].intent).toBe('return_policy')
    const c = await say(app, '我要投诉你们 骗子 退货都不给退')
    expect(c).toMatchObject({ action: 'handoff', handoff: { priority: 'urgent', reason: 'complaint' } })
    expect(c.matched.map((m: { intent: string }) => m.intent)).toEqual(['complaint'])
  })

  it('several questions in one message, traditional and full-width text, typos', async () => {
    const app = await build({ rules: DEMO_RULES })
    const multi = await say(app, '在吗，什么时候发货，包邮吗？可以退嗎')
    expect(multi.matched.map((m: { intent: string }) => m.intent)).toEqual(['greeting', 'shipping', 'return_policy'])
    expect((await say(app, '幾天能到廣州')).matched[0].intent).toBe('shipping')
    expect((await say(app, 'ＸＬ偏大吗')).matched[0].intent).toBe('size')
    expect((await say(app, 'tui huo zen me tui')).matched[0]).toMatchObject({ intent: 'return_policy', method: 'pinyin' })
    // Chinese homophones only with TYPOS=all: off by default, a net loss on unseen realistic traffic
    expect((await say(app, '退活了')).action).toBe('handoff')
    const homophones = await build({ rules: DEMO_RULES, env: { TYPOS: 'all' } })
    expect((await say(homophones, '退活了')).matched[0]).toMatchObject({ intent: 'return_policy', method: 'pinyin' })
  })

  it('the buyer\'s own parcel or refund is not a policy question', async () => {
    const app = await build({ rules: DEMO_RULES })
    for (const text of ['我的快递到哪了', '我的退款怎么还没到', '在吗 我的快递到哪了']) {
      expect((await say(app, text)).action, text).toBe('handoff')
    }
  })
})
