import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { extractMeasurements } from '../../src/matching/measurements.js'
import { canonical } from '../../src/matching/normalise.js'

const read = (text: string) => extractMeasurements(canonical(text))

describe('height and weight from chat text', () => {
  it.each([
    ['我身高165体重110斤穿什么码', 165, 110],
    ['一米六五 一百一十斤', 165, 110],
    ['1米65，110斤左右', 165, 110],
    ['1.65m 55kg', 165, 110],
    ['165cm 五十五公斤', 165, 110],
    ['165 55公斤', 165, 110],
    ['165 110', 165, 110], // two bare numbers told apart by range
    ['110 165', 165, 110], // in either order
    ['１６５ｃｍ　１１０斤', 165, 110], // full-width
    ['身高一米七 体重一百二', 170, 120],
    ['160的个子 100斤', 160, 100],
    ['体重52kg 身高158', 158, 104],
    ['一米六 九十五斤', 160, 95],
    ['1米6 100斤半', 160, 100.5]
  ])('%s → %i cm, %i 斤', (text, h, w) => {
    expect(read(text)).toEqual({ heightCm: h, weightJin: w })
  })

  it.each([
    ['165cm', { heightCm: 165 }],
    ['110斤', { weightJin: 110 }],
    ['55kg', { weightJin: 110 }]
  ])('one figure alone: %s', (text, expected) => {
    expect(read(text)).toEqual(expected)
  })

  it.each([
    ['999-300能用吗'], // a coupon
    ['满199减30'],
    ['买3件打8折'],
    ['7天无理由'],
    ['120元包邮吗'],
    ['这件一般般吧']
  ])('prices, counts and words are not figures: %s', (text) => {
    expect(read(text)).toEqual({})
  })

  it('never throws and only returns plausible figures (fuzz)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789一二三四五六七八九十百两米斤kgcm公厘 .,-~满减元'.split('')) }), (s) => {
      const m = read(s)
      if (m.heightCm !== undefined) expect(m.heightCm).toBeGreaterThanOrEqual(100)
      if (m.weightJin !== undefined) expect(m.weightJin).toBeGreaterThanOrEqual(40)
    }), { numRuns: 500 })
  })
})
