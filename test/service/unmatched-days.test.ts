/**
 * The unanswered list counts the shop's calendar days: a question at 23:30 Beijing time and one at
 * 00:30 the next night fall on two days, though both are the same UTC date.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import type { ShopEngine } from '../../src/engine/engine.js'
import { engineFor } from '../helpers/engine.js'
import { handleMessage } from '../../src/service/handle-message.js'
import { dayKey } from '../../src/store/ticket-order.js'
import { DEMO_RULES } from '../helpers/build.js'
import { storeFactories } from '../helpers/redis.js'

const LATE = Date.parse('2026-11-24T15:30:00Z') // 23:30 on the 24th in Beijing
const AFTER_MIDNIGHT = Date.parse('2026-11-24T16:30:00Z') // 00:30 on the 25th in Beijing, still the 24th in UTC
const log = { warn () {} }
let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(DEMO_RULES) })
const stores = storeFactories()

it('dayKey reads the day in the given time zone', () => {
  expect(dayKey(AFTER_MIDNIGHT)).toBe('2026-11-24')
  expect(dayKey(AFTER_MIDNIGHT, 'Asia/Shanghai')).toBe('2026-11-25')
  expect(engine.timeZone).toBe('Asia/Shanghai')
})

describe.each(stores)('unanswered questions by the shop\'s day (%s store)', (_name, makeStore) => {
  it('yesterday evening is not today', async () => {
    const store = await makeStore()
    const send = (id: string, text: string, now: number) => handleMessage(engine, { messageId: id, conversationId: id, buyerId: id, shopId: 'default', type: 'text', text }, { store, log, now: () => now })
    await send('late', '能开发票吗', LATE)
    await send('after', '你们有实体店吗', AFTER_MIDNIGHT)
    const today = await store.topUnmatched('default', 1, 10, AFTER_MIDNIGHT, engine.timeZone)
    expect(today.map((q) => q.examples[0])).toEqual(['你们有实体店吗'])
    const twoDays = await store.topUnmatched('default', 2, 10, AFTER_MIDNIGHT, engine.timeZone)
    expect(twoDays).toHaveLength(2)
  })
})
