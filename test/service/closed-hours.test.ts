/**
 * J9: outside business hours the buyer gets the closed reply and the message still waits in the queue
 * for the morning; a complaint keeps its urgency and its apology; what the rules answer is answered.
 * The clock is passed in (the webhook uses the real one), on both stores.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import type { ShopEngine } from '../../src/engine/engine.js'
import { engineFor } from '../helpers/engine.js'
import { handleMessage, type BuyerMessage } from '../../src/service/handle-message.js'
import { pickFirst } from '../../src/engine/answer.js'
import { DEMO_RULES } from '../helpers/build.js'
import { storeFactories } from '../helpers/redis.js'

// Tuesday 23:00 in Shanghai: the demo shop is open 09:00-21:00 on weekdays
const NIGHT = Date.parse('2026-11-24T15:00:00Z')
const log = { warn () {} }
let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(DEMO_RULES) })

const stores = storeFactories()

let n = 0
const message = (text: string): BuyerMessage => ({ messageId: `night-${++n}`, conversationId: `night-c${n}`, buyerId: `b${n}`, shopId: 'default', type: 'text', text })

describe.each(stores)('J9 outside business hours (%s store)', (_name, makeStore) => {
  it('an unanswered question gets the closed reply and is queued for the morning', async () => {
    const store = await makeStore()
    const { response: res } = await handleMessage(engine, message('我的快递到哪了'), { store, log, now: () => NIGHT, pick: pickFirst })
    expect(res.action).toBe('handoff')
    expect(res.handoff).toMatchObject({ reason: 'closed_hours', priority: 'normal' })
    expect(res.replies.map((r) => r.text).join()).toContain('下班')
    const stats = await store.stats('default', NIGHT)
    expect(stats.waiting).toBe(1)
  })

  it('a complaint at night keeps its urgency and its apology', async () => {
    const store = await makeStore()
    const { response: res } = await handleMessage(engine, message('我要投诉 你们是骗子'), { store, log, now: () => NIGHT, pick: pickFirst })
    expect(res.handoff).toMatchObject({ reason: 'complaint', priority: 'urgent' })
    expect(res.replies[0]!.text).toContain('抱歉')
    expect(res.replies.at(-1)!.text).toContain('下班')
  })

  it('a complaint at night gets one reply, not "a supervisor now" beside "we are closed" (#14)', async () => {
    const store = await makeStore()
    const { response: res } = await handleMessage(engine, message('我要投诉 你们是骗子'), { store, log, now: () => NIGHT, pick: pickFirst })
    expect(res.replies).toHaveLength(1)
    expect(res.replies[0]!.text).not.toContain('请稍等')
    expect(res.replies[0]!.text).toBe(engine.rules.hours!.closed_complaint_reply)
  })

  it('without closed_complaint_reply a complaint at night gets closed_reply alone', async () => {
    const store = await makeStore()
    const plain = { ...engine, rules: { ...engine.rules, hours: { ...engine.rules.hours!, closed_complaint_reply: undefined } } }
    const { response: res } = await handleMessage(plain, message('我要投诉 你们是骗子'), { store, log, now: () => NIGHT, pick: pickFirst })
    expect(res.replies.map((r) => r.text)).toEqual([engine.rules.hours!.closed_reply])
    expect(res.handoff).toMatchObject({ reason: 'complaint', priority: 'urgent' })
  })

  it('what the rules answer is still answered at night', async () => {
    const store = await makeStore()
    const { response: res } = await handleMessage(engine, message('包邮吗'), { store, log, now: () => NIGHT, pick: pickFirst })
    expect(res).toMatchObject({ action: 'reply', matched: [{ intent: 'shipping' }] })
  })
})
