import { describe, it, expect, beforeAll } from 'vitest'
import { tokens, ParaphraseModel, classifierFallback } from '../../src/matching/classifier.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'
import { decide } from '../../src/engine/decide.js'
import { pickFirst } from '../../src/engine/answer.js'
import { matchKey } from '../../src/matching/normalise.js'
import { loadRulesDir } from '../../src/rules/load.js'
import { DEMO_RULES } from '../helpers/build.js'

const NOON = Date.parse('2026-11-24T04:00:00Z')
let engine: ShopEngine
let model: ParaphraseModel
beforeAll(async () => {
  const { shops } = await loadRulesDir(DEMO_RULES)
  engine = buildEngine(shops.get('default')!, [classifierFallback()])
  model = new ParaphraseModel(engine.compiled)
})
const run = (text: string) => decide(engine, { type: 'text', text }, { lastSeenAt: NOON - 60_000 }, { now: NOON, pick: pickFirst })

describe('paraphrase classifier tokens', () => {
  it('feeds Chinese as character unigrams and bigrams, Latin and digit runs whole', () => {
    expect(tokens('能退吗')).toEqual(['能', '退', '吗', '能退', '退吗'])
    expect(tokens('sf快递')).toEqual(['sf', '快', '递', 'sf快', '快递'])
    expect(tokens('')).toEqual([])
  })
})

describe('paraphrase fallback on the demo rules', () => {
  it('answers a wording with no keyword when it is confident, and says so', () => {
    const d = run('快递到上海几天')
    expect(d.action).toBe('reply')
    expect(d.matched[0]).toMatchObject({ intent: 'shipping', method: 'classifier' })
    expect(d.matched[0]!.score).toBeGreaterThanOrEqual(0.95)
  })

  it('never guesses a rule whose not-keyword is in the message', () => {
    // 退款 is a not-keyword of the delivery rule: the buyer's own refund is not a delivery question
    expect(run('退款申请提交好几天了 到底什么时候能到账啊').matched).toEqual([])
  })

  it.each([
    ['今天天气怎么样'],
    ['你是机器人吗'],
    ['我的快递呢'],
    ['这件是什么面料']
  ])('hands off what it is not sure of: %s', (text) => {
    const d = run(text)
    expect(d.action).toBe('handoff')
    expect(d.matched).toEqual([])
  })

  it('is asked only when no keyword rule fired', () => {
    expect(run('退货？').matched[0]!.method).toBe('keyword')
  })

  it('scores a probability share between 0 and 1', () => {
    const c = model.classify(matchKey('多久能发出来'))!
    expect(c.score).toBeGreaterThan(0)
    expect(c.score).toBeLessThanOrEqual(1)
    expect(c.runnerUp).toBeLessThanOrEqual(c.score)
  })
})

describe('a model trained elsewhere', () => {
  it('restored from its saved data (as the reload worker sends it) classifies exactly as the trained one', () => {
    // the reload worker trains and posts the model: a structured clone of what save() returns
    const restored = new ParaphraseModel(engine.compiled, structuredClone(model.save()))
    for (const text of ['快递到上海几天', '多久能发出来', '今天天气怎么样', '你们支持退换吗', '这个色号显白吗']) {
      expect(restored.classify(matchKey(text))).toEqual(model.classify(matchKey(text)))
    }
  })
})
