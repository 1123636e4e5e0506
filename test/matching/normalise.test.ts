import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { normalise, matchKey, canonical, hasWords } from '../../src/matching/normalise.js'

describe('normalise', () => {
  it.each([
    ['可以退貨嗎？', '可以退货吗'],
    ['ＸＬ碼有嗎', 'xl码有吗'],
    ['９９９是什麼顏色', '999是什么颜色'],
    ['在吗😭😭', '在吗'],
    ['[捂脸]在嘛', '在嘛'],
    ['运 费 险', '运费险'],
    ['發貨了嗎~~~', '发货了吗'],
    ['hi there', 'hi there'],
    ['Size M還是L', 'size m还是l'],
    ['在麼', '在么'],
    ['在么', '在么'] // the Taiwan preset would turn 么 into 幺
  ])('%s → %s', (input, key) => {
    expect(matchKey(input)).toBe(key)
  })

  it('keeps spaces and punctuation in the canonical form, for figures', () => {
    expect(canonical('１６５ｃｍ　１１０斤')).toBe('165cm 110斤')
    expect(normalise('165 110斤').key).toBe('165 110斤')
  })

  it('tells emoji-only text from text with words', () => {
    expect(hasWords('😭😭🙏')).toBe(false)
    expect(hasWords('[微笑][微笑]')).toBe(false)
    expect(hasWords('ok👌')).toBe(true)
  })

  it('drops ideographic description characters, after which OpenCC would leave the text traditional', () => {
    // found by the fuzz test (seed -771040791): matchKey('⿰發貨') was 發貨, and matchKey of that 发货
    expect(matchKey('⿰發貨')).toBe('发货')
    expect(matchKey(matchKey('⿰發貨'))).toBe(matchKey('⿰發貨'))
  })

  it('never throws and is idempotent on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const k = matchKey(s)
      expect(matchKey(k)).toBe(k)
    }), { numRuns: 300 })
  })
})
