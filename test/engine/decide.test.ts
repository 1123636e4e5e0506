import { describe, it, expect, beforeAll } from 'vitest'
import { decide } from '../../src/engine/decide.js'
import { pickFirst } from '../../src/engine/answer.js'
import type { ShopEngine } from '../../src/engine/engine.js'
import type { ConversationState } from '../../src/store/types.js'
import { engineFor } from '../helpers/engine.js'
import { MINI_RULES } from '../helpers/build.js'

let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(MINI_RULES) })

// Tuesday 2026-11-24 12:00 in Shanghai: inside any business hours
const NOON = Date.parse('2026-11-24T04:00:00Z')
const run = (text: string, state: ConversationState = { lastSeenAt: NOON - 60_000 }) =>
  decide(engine, { type: 'text', text }, state, { now: NOON, pick: pickFirst })
const intents = (text: string, state?: ConversationState) => run(text, state).matched.map((m) => m.intent)
const ids = (text: string, state?: ConversationState) => run(text, state).matched.map((m) => m.ruleId)

describe('decide: keywords on normalised text', () => {
  it.each([
    ['买了不合适能退吗'],
    ['可以退貨嗎'], // traditional
    ['能 退 吗？？'], // spaces and punctuation
    ['退货😭😭'], // emoji
    ['退货？'] // fragment
  ])('answers the return policy: %s', (text) => {
    expect(intents(text)).toEqual(['return_policy'])
  })

  it('a not-keyword vetoes the rule: the buyer\'s own refund is not policy', () => {
    const d = run('我的退款怎么还没到账')
    expect(d.action).toBe('handoff')
    expect(d.handoff?.reason).toBe('unmatched')
  })

  it('a longer hit beats a shorter one (退货运费 beats 退货, and hides 运费 of shipping)', () => {
    expect(ids('退货运费谁出')).toEqual(['return-shipping-fee'])
    expect(ids('有运费险吗')).toEqual(['return-shipping-fee'])
  })

  it('an `all` group must be hit too', () => {
    expect(ids('七天无理由吗')).toEqual(['seven-days'])
    expect(ids('七天能到吗')).not.toContain('seven-days')
  })

  it('answers several questions in message order, one per intent', () => {
    const d = run('包邮吗？不合适能退吗')
    expect(d.matched.map((m) => m.intent)).toEqual(['shipping', 'return_policy'])
    expect(d.replies).toHaveLength(2)
  })

  it('Latin keywords respect word boundaries', () => {
    expect(intents('hi')).toEqual(['greeting'])
    expect(intents('hi 包邮吗', {})).toEqual(['greeting', 'shipping'])
    expect(run('shipping?').action).toBe('handoff')
  })
})

describe('decide: greetings', () => {
  it('welcome on first contact, returning greeting after the session gap', () => {
    expect(run('在吗', {}).replies).toEqual(['您好，我是小美😊'])
    expect(run('在吗', { lastSeenAt: NOON - 13 * 3_600_000 }).replies).toEqual(['欢迎回来💕'])
  })

  it('a greeting plus a question: the welcome (first contact) and the answer', () => {
    const d = run('在吗 能退吗', {})
    expect(d.replies).toEqual(['您好，我是小美😊', '亲，本店支持7天无理由退换货哦~'])
  })

  it('mid-session the greeting beside a question adds nothing', () => {
    expect(run('在吗 能退吗').replies).toEqual(['亲，本店支持7天无理由退换货哦~'])
  })
})

describe('decide: handoff', () => {
  it('a complaint outranks every rule, even when it says 退货', () => {
    const d = run('我要投诉你们 骗子 退货')
    expect(d.action).toBe('handoff')
    expect(d.handoff).toMatchObject({ reason: 'complaint', priority: 'urgent' })
    expect(d.replies.join()).not.toContain('无理由')
  })

  it('built-in anger words escalate too, negated ones do not', () => {
    expect(run('什么破东西').handoff?.reason).toBe('complaint')
    expect(run('放心不会给差评的 能退吗').matched.map((m) => m.intent)).toEqual(['return_policy'])
    // 送妈妈的话 holds 妈的; asking whether the shop is responsible, or whom to ask, accuses nobody
    for (const text of ['送妈妈的话推荐哪款', '热水器坏了你们负责吗', '售后是找你们还是找平台']) expect(run(text).handoff?.reason, text).not.toBe('complaint')
    expect(run('你们必须负责').handoff?.reason).toBe('complaint')
  })

  it('转人工 hands off', () => {
    expect(run('转人工').handoff).toMatchObject({ reason: 'human_request', priority: 'normal' })
  })

  it('claimed conversations stay silent', () => {
    expect(run('能退吗', { lastSeenAt: NOON, ticket: { id: 't', status: 'claimed', agentId: 'a' } }).action).toBe('silent')
  })
})

describe('decide: catalog', () => {
  it('answers a named item, longest match (9999 is not 999)', () => {
    expect(run('999是什么颜色').replies).toEqual(['999是经典正红~'])
    expect(run('9999是什么颜色').replies[0]).toContain('没有9999')
  })

  it('two shades named together are compared, even without a catalog keyword', () => {
    const d = run('999和520有什么区别')
    expect(d.matched[0]).toMatchObject({ intent: 'shade', outcome: 'items' })
    expect(d.replies).toHaveLength(2)
  })

  it('a coupon is not a shade', () => {
    expect(run('999-300能用吗').action).toBe('handoff')
    expect(run('满999减100的券还有吗').action).toBe('handoff')
  })

  it('an item the shop does not have gets an honest answer', () => {
    expect(run('888有吗').replies[0]).toContain('没有888')
  })

  it('lists shades, and suggests by skin tone', () => {
    expect(run('有哪些色号').replies[0]).toContain('999、520')
    expect(run('黄皮适合哪个色号').replies[0]).toBe('亲，黄皮推荐：999、520~')
  })
})

describe('decide: size chart', () => {
  it('recommends from figures in the message', () => {
    const d = run('我身高160体重100斤穿什么码')
    expect(d.replies[0]).toContain('M')
  })

  it('asks for figures, then answers the next message without keywords', () => {
    const asked = run('穿多大码')
    expect(asked.replies[0]).toContain('身高和体重')
    expect(asked.pending).toMatchObject({ kind: 'size', ruleId: 'tops-size' })
    const next = run('165 110斤', { lastSeenAt: NOON - 10_000, pending: asked.pending! })
    expect(next.matched[0]).toMatchObject({ intent: 'size', method: 'context' })
    expect(next.replies[0]).toMatch(/[ML]/)
    expect(next.pending).toBeNull()
  })

  it('forgets the question after its time', () => {
    const asked = run('穿多大码')
    // one figure alone is no size question without the ask ("110斤" could be anything)
    const inTime = decide(engine, { type: 'text', text: '110斤' }, { lastSeenAt: NOON, pending: asked.pending! }, { now: NOON + 60_000, pick: pickFirst })
    expect(inTime.matched[0]).toMatchObject({ intent: 'size', method: 'context', outcome: 'ask' })
    const late = decide(engine, { type: 'text', text: '110斤' }, { lastSeenAt: NOON, pending: asked.pending! }, { now: NOON + 11 * 60_000, pick: pickFirst })
    expect(late.action).toBe('handoff')
  })

  it('a height and a weight together are a size question without any keyword', () => {
    expect(run('163 98斤').matched[0]).toMatchObject({ intent: 'size', method: 'figures', outcome: 'fit' })
    expect(run('1.68m 52kg').matched[0]).toMatchObject({ intent: 'size', method: 'figures' })
    expect(run('999-300能用吗').matched.filter((m) => m.intent === 'size')).toEqual([])
  })
})

describe('decide: every variant through the injected pick', () => {
  it('closed-hours and offline replies with variants are the same every time under one pick (explain, check)', async () => {
    const { loadRulesDir } = await import('../../src/rules/load.js')
    const { buildEngine } = await import('../../src/engine/engine.js')
    const demo = (await loadRulesDir(new URL('../../rules', import.meta.url).pathname)).shops.get('default')!
    const shop = buildEngine({
      ...demo,
      hours: { ...demo.hours!, closed_reply: ['下班了 A', '下班了 B'] },
      handoff: { ...demo.handoff, offline_reply: ['排队中 X', '排队中 Y'] }
    })
    const pickLast = (v: string | string[]) => (Array.isArray(v) ? v.at(-1)! : v)
    const MIDNIGHT = Date.parse('2026-11-24T16:00:00Z') // 00:00 in Shanghai: closed
    const at = (now: number, pick = pickFirst) => decide(shop, { type: 'text', text: '我的快递到哪了' }, {}, { now, pick })
    for (let i = 0; i < 20; i++) {
      expect(at(MIDNIGHT).replies).toEqual(['下班了 A'])
      expect(at(NOON).handoff?.offlineReply).toBe('排队中 X')
    }
    expect(at(MIDNIGHT, pickLast).replies).toEqual(['下班了 B'])
    expect(at(NOON, pickLast).handoff?.offlineReply).toBe('排队中 Y')
  })
})
