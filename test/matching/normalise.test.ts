import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as OpenCC from 'opencc-js'
import { readFileSync } from 'node:fs'
import { normalise, matchKey, canonical, foldCommon, hasWords, mayConvert, toSimplified } from '../../src/matching/normalise.js'

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

  describe('folds common text without the normaliser, as NFKC and lower case would', () => {
    const slow = (t: string) => t.normalize('NFKC').toLowerCase()
    it('agrees on every character it folds itself, and leaves the rest to the normaliser', () => {
      let folded = 0
      for (let c = 0; c < 0x10000; c++) {
        if (c >= 0xd800 && c <= 0xdfff) continue
        const ch = String.fromCharCode(c)
        const f = foldCommon(ch)
        if (f === undefined) continue
        folded++
        expect(f, c.toString(16)).toBe(slow(ch))
      }
      // ASCII, the CJK ideographs, the full-width forms and the punctuation buyers type
      expect(folded).toBeGreaterThan(21_000)
      expect(foldCommon('在吗😭')).toBeUndefined()
      expect(foldCommon('café')).toBeUndefined()
      expect(foldCommon('e\u0301')).toBeUndefined()
    })

    it('agrees on any text of those characters', () => {
      const common = fc.constantFrom(...'Aa Zz09，。？！：；“”‘’（）【】《》「」、～　ＸＬｃｍ１６５在吗发货退换尺码…—-'.split(''))
      fc.assert(fc.property(fc.array(common, { maxLength: 30 }), (chars) => {
        const t = chars.join('')
        expect(foldCommon(t) ?? slow(t)).toBe(slow(t))
      }), { numRuns: 500 })
    })
  })

  describe('skips OpenCC only where it would change nothing', () => {
    // what canonical() was before the shortcut: always converted
    const converted = (text: string) => {
      const lowered = text.normalize('NFKC').toLowerCase().replace(/[\u2ff0-\u2fff]/g, '')
      return toSimplified(lowered)
    }
    const fixtures = ['messages.jsonl', 'holdout.jsonl', 'blind.jsonl', 'realistic/dev.jsonl']
      .flatMap((f) => readFileSync(new URL(`../fixtures/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text))

    it('gives what conversion gives on every fixture message', () => {
      for (const t of fixtures) expect(canonical(t), t).toBe(converted(t))
    })

    it('converts traditional characters and phrases without one (回覆), and skips plain simplified text', () => {
      expect(mayConvert('请问在吗')).toBe(false)
      expect(mayConvert('請問')).toBe(true)
      expect(mayConvert('回覆')).toBe(true)
      expect(canonical('请回覆我')).toBe(converted('请回覆我'))
    })

    it('flags every dictionary key whose value differs (so a text holding one is converted)', () => {
      const configs = (OpenCC.Locale as unknown as { configs: Record<string, Record<string, unknown[]>> }).configs
      let keys = 0
      for (const name of ['t2s', 'hk2s']) {
        const c = configs[name]!
        const groups = [...(c.normalizationChain ?? []), ...(c.segmentation ? [c.segmentation] : []), ...c.conversionChain!]
        for (const g of groups) {
          for (const dict of (Array.isArray(g) ? g : [g]) as Array<string | Array<[string, string]>>) {
            const pairs = typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ')) : dict
            for (const [k, v] of pairs) if (k !== v) { keys++; if (!mayConvert(k!)) expect.fail(`${k} → ${v} not flagged`) }
          }
        }
      }
      expect(keys).toBeGreaterThan(4000)
    })

    it('agrees with conversion on random mixes of traditional, simplified and other characters', () => {
      const chars = [...'發貨回覆覆一目瞭然乾隆干着著么麼台臺后後里裡髮面麵隻只不快到色吗嗎退款換碼尺码 ab9！？😭⿰']
      fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }), (cs) => {
        const s = cs.join('')
        expect(canonical(s)).toBe(converted(s))
      }), { numRuns: 2000 })
    })
  })
})
