import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { pinyin } from 'pinyin-pro'
import { buildTypoIndex, correctHomophones, correctLatin, correctTypos, readings } from '../../src/matching/typos.js'
import { matchKey } from '../../src/matching/normalise.js'
import { loadRulesDir } from '../../src/rules/load.js'
import { compileShop } from '../../src/matching/compile.js'

const index = buildTypoIndex(['退货', '运费险', '尺码', '包邮', '投诉', '顺丰', '在吗', '色号', 'hello'].map(matchKey))
const fix = (text: string) => correctTypos(index, matchKey(text))

describe('typo correction towards keywords', () => {
  it.each([
    ['退活了', '退货了'],
    ['有运废险吗', '有运费险吗'],
    ['尺马偏大吗', '尺码偏大吗'],
    ['包油吗', '包邮吗'],
    ['我要投述你们', '我要投诉你们'], // fuzzy pinyin: sh typed as s
    ['顺风快递可以吗', '顺丰快递可以吗'], // -ng typed as -n
    ['baoyou吗', '包邮吗'], // pinyin typed in Latin letters
    ['shunfen能发吗', '顺丰能发吗'],
    ['helllo', 'hello'] // one-letter slip in a Latin keyword
  ])('%s → %s', (text, corrected) => {
    expect(fix(text)).toBe(corrected)
  })

  it.each([
    ['我要发火了'], // a real word that sounds like 发货 is left alone
    ['码数'], // one syllable never corrects (码 ~ 吗)
    ['退货'], // already right: nothing to correct
    ['今天天气怎么样'],
    ['ma'] // short Latin words are words of their own
  ])('leaves %s alone', (text) => {
    expect(fix(text)).toBeUndefined()
  })

  it('never changes more than half of a keyword\'s characters', () => {
    // 图书 (tu shu) folds like 投诉 (tou su)? no: different syllables; 偷塑 (tou su) differs in both characters
    expect(fix('偷塑')).toBeUndefined()
  })
})

describe('the two parts of the pass, and the modes that pick them (TYPOS)', () => {
  it('latin corrects pinyin typed in Latin letters and leaves Chinese homophones alone', () => {
    // the particles beside a pinyin keyword are pinyin too; without one, Latin words stay as typed
    expect(correctLatin(index, matchKey('bao you ma'))).toBe('包邮吗')
    expect(correctLatin(index, matchKey('bao you le mei'))).toBe('包邮了没')
    expect(correctLatin(index, matchKey('ok ma'))).toBeUndefined()
    expect(correctLatin(index, matchKey('退活了'))).toBeUndefined()
    expect(correctTypos(index, matchKey('退活了'), 'latin')).toBeUndefined()
    expect(correctTypos(index, matchKey('bao you ma'), 'latin')).toBe('包邮吗')
  })
  it('homophones correct Han characters only', () => {
    expect(correctHomophones(index, matchKey('退活了'))).toBe('退货了')
    expect(correctHomophones(index, matchKey('bao you ma'))).toBeUndefined()
  })
  it('all does both, off nothing', () => {
    expect(correctTypos(index, matchKey('退活了 bao you'), 'all')).toBe('退货了包邮')
    expect(correctTypos(index, matchKey('退活了 bao you'), 'off')).toBeUndefined()
  })
})

describe('the homophone pre-check (pinyin for the whole message only where a window could correct)', () => {
  const fixtures = ['messages.jsonl', 'holdout.jsonl', 'blind.jsonl', 'realistic/dev.jsonl', 'realistic/first-read.jsonl']
    .flatMap((f) => readFileSync(new URL(`../fixtures/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean).map((l) => matchKey((JSON.parse(l) as { text: string }).text)))

  it('rests on this: the reading pinyin-pro picks in context is one of the character\'s readings', () => {
    let checked = 0
    for (const key of fixtures) {
      const inContext = pinyin(key, { toneType: 'none', type: 'array', nonZh: 'spaced' })
      if (inContext.length !== key.length) continue
      for (let i = 0; i < key.length; i++) {
        if (!/\p{Script=Han}/u.test(key[i]!)) continue
        checked++
        const folded = inContext[i]!.replace(/^([zcs])h/, '$1').replace(/ng$/, 'n')
        if (!readings(key[i]!).has(folded)) expect.fail(`${key}: ${key[i]} read ${inContext[i]}, not among ${[...readings(key[i]!)].join(' ')}`)
      }
    }
    expect(checked).toBeGreaterThan(10_000)
  })

  it('corrects exactly what the full pass corrects, on every fixture message with the demo rules', async () => {
    const { shops } = await loadRulesDir(new URL('../../rules', import.meta.url).pathname)
    const demo = compileShop(shops.get('default')!).typos
    let corrected = 0
    for (const key of fixtures) {
      const full = correctHomophones(demo, key, false)
      if (full !== undefined) corrected++
      expect(correctHomophones(demo, key), key).toBe(full)
    }
    expect(corrected).toBeGreaterThan(0)
  })

  it('and on random mixes of keyword characters and their homophones', () => {
    const chars = [...'退货活伙运费废险尺码马吗包邮油投诉述顺丰风在再色号好了的我你是']
    fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 8 }), (cs) => {
      const key = cs.join('')
      expect(correctHomophones(index, key)).toBe(correctHomophones(index, key, false))
    }), { numRuns: 2000 })
  })
})
