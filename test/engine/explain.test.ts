import { describe, it, expect, beforeAll } from 'vitest'
import { explain } from '../../src/engine/explain.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { loadRulesDir } from '../../src/rules/load.js'
import { DEMO_RULES } from '../helpers/build.js'

let engine: ShopEngine
beforeAll(async () => {
  const { shops } = await loadRulesDir(DEMO_RULES)
  engine = buildEngine(shops.get('default')!, [classifierFallback()], { typos: 'all' })
})
const NOON = Date.parse('2026-11-24T04:00:00Z')
const why = (text: string) => explain(engine, text, { lastSeenAt: NOON - 60_000 }, NOON).considered

describe('explain tells operators how every answer was found', () => {
  it('a typo corrected', () => {
    expect(why('退活')[0]).toMatchObject({ ruleId: 'return-policy', verdict: 'answered' })
    expect(why('退活')[0]!.why).toContain('typo')
  })
  it('figures without a keyword', () => {
    expect(why('163 98斤').find((c) => c.verdict === 'answered')!.why).toContain('height and weight')
  })
  it('the paraphrase classifier, with its score', () => {
    const c = why('快递到上海几天')
    expect(c).toHaveLength(1)
    expect(c[0]).toMatchObject({ ruleId: 'delivery-time', verdict: 'answered', file: expect.stringContaining('shipping.yaml') })
    expect(c[0]!.why).toMatch(/classifier chose it with score (0\.9\d*|1) /)
  })
  it('a vetoed rule says which not-keyword stopped it', () => {
    expect(why('不合适能退吗 能用券吗').find((c) => c.verdict === 'vetoed')!.why).toContain('not-keyword')
  })

  it('a rule that fired in the buyer\'s own case says which clause made it so', () => {
    expect(why('我的快递怎么还没发货').find((c) => c.verdict === 'own_case')!.why).toContain('怎么还')
    expect(why('有现货吗 包邮吗').find((c) => c.ruleId === 'free-shipping')).toMatchObject({ verdict: 'held', why: expect.stringContaining('有现货吗') })
  })
})
