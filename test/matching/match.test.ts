import { describe, it, expect, beforeAll } from 'vitest'
import { analyse, assignRoles, buildCandidates, collectHits, collectRegexHits, dropShadowed, readFigures } from '../../src/matching/match.js'
import type { CompiledShop } from '../../src/matching/compile.js'
import { matchKey, normalise } from '../../src/matching/normalise.js'
import { engineFor } from '../helpers/engine.js'
import { DEMO_RULES, MINI_RULES } from '../helpers/build.js'

let shop: CompiledShop
beforeAll(async () => { shop = (await engineFor(MINI_RULES)).compiled })

const id = (i: number) => shop.entries[i]!.id
const hitsOf = (text: string) => collectHits(shop, matchKey(text))
const rolesOf = (text: string) => {
  const key = matchKey(text)
  return assignRoles(dropShadowed(collectHits(shop, key), collectRegexHits(shop, key)), new Set())
}

describe('collectHits: every keyword of the automaton, at word boundaries', () => {
  it('finds overlapping keywords with their positions and roles', () => {
    const hits = hitsOf('退货运费谁出')
    expect(hits.map((h) => [h.keyword, h.begin, h.end])).toEqual(expect.arrayContaining([['退货', 0, 2], ['退货运费', 0, 4], ['运费', 2, 4]]))
    expect(hits.find((h) => h.keyword === '退货运费')!.roles).toContainEqual({ role: 'kw', entry: shop.entries.findIndex((e) => e.id === 'return-shipping-fee') })
  })
  it('a digit or Latin keyword glued to more of the same is no hit (999 is not in 9999)', () => {
    expect(hitsOf('9999').some((h) => h.keyword === '999')).toBe(false)
    expect(hitsOf('999呢').some((h) => h.keyword === '999')).toBe(true)
  })
})

describe('collectRegexHits: one pass of the regex set, positions for what matched', () => {
  it('names the entry and where the match begins', () => {
    const hits = collectRegexHits(shop, matchKey('oh hi there'))
    const greet = shop.entries.findIndex((e) => e.id === 'greet')
    expect(hits.get(greet)).toEqual([{ text: 'hi', begin: 3 }])
  })
  it('is empty when no regex matches', () => {
    expect(collectRegexHits(shop, matchKey('shipping')).size).toBe(0)
  })
})

describe('dropShadowed: a keyword inside a longer hit is no question of its own', () => {
  it('退货 and 运费 inside 退货运费 lose their keyword role, the long one keeps it', () => {
    const key = matchKey('退货运费谁出')
    const hits = dropShadowed(collectHits(shop, key), collectRegexHits(shop, key))
    const kw = (k: string) => hits.find((h) => h.keyword === k)!.roles.filter((r) => r.role === 'kw')
    expect(kw('退货')).toEqual([])
    expect(kw('运费')).toEqual([])
    expect(kw('退货运费')).toHaveLength(1)
  })
  it('returns the hits untouched when nothing is shadowed', () => {
    const key = matchKey('包邮吗')
    const hits = collectHits(shop, key)
    expect(dropShadowed(hits, new Map())).toBe(hits)
  })
})

describe('assignRoles: each hit to the entry or handoff setting it belongs to', () => {
  it('keywords, not-keywords and all-groups land in their entry\'s slot', () => {
    const { slots } = rolesOf('七天无理由 退款到账了吗')
    const seven = shop.entries.findIndex((e) => e.id === 'seven-days')
    const ret = shop.entries.findIndex((e) => e.id === 'return-policy')
    expect(slots.get(seven)!.kws.map((h) => h.keyword)).toEqual(['七天'])
    expect(slots.get(seven)!.groups.get(0)).toBe(3)
    expect(slots.get(ret)!.nots).toEqual(['退款到账'])
  })
  it('complaints and human requests, each once', () => {
    const r = rolesOf('投诉 投诉 转人工')
    expect(r.escalate).toEqual(['投诉'])
    expect(r.human).toEqual(['转人工'])
  })
  it('a price is no item code: 999 in 满999 names no shade', () => {
    const key = matchKey('满999减300')
    const { slots } = assignRoles(collectHits(shop, key), new Set(['999', '300']))
    const shades = shop.entries.findIndex((e) => e.id === 'shades')
    expect(slots.get(shades)?.items.size ?? 0).toBe(0)
  })
  it('clause markers come out in the same pass', () => {
    expect(rolesOf('我的快递到哪了').markers.map((m) => m.kind)).toContain('chase')
  })
})

describe('readFigures: height and weight, read once per message', () => {
  it('reads both', () => {
    expect(readFigures(normalise('165 110斤').canonical)).toEqual({ heightCm: 165, weightJin: 110 })
  })
  it('a message with no digit or numeral reads nothing', () => {
    expect(readFigures(normalise('穿多大码').canonical)).toEqual({})
  })
})

describe('buildCandidates: what fired, vetoed or stopped short', () => {
  const build = (text: string) => {
    const n = normalise(text)
    const rx = collectRegexHits(shop, n.key)
    const { slots } = assignRoles(dropShadowed(collectHits(shop, n.key), rx), new Set())
    return buildCandidates(shop, n.key, slots, rx, readFigures(n.canonical), new Set())
  }
  it('a keyword fires its entry with position, spans and specificity', () => {
    const { candidates } = build('请问包邮吗')
    expect(candidates.map((c) => [c.entry.id, c.keywords, c.position, c.spans, c.specificity, c.method])).toEqual([
      ['free-shipping', ['包邮'], 2, [[2, 4]], 2, 'keyword']
    ])
  })
  it('a not-keyword vetoes, a missing all-group leaves it incomplete', () => {
    const f = build('七天 我的快递发货了吗')
    expect(f.vetoed.map((v) => [v.entry.id, v.by])).toEqual([['free-shipping', '我的快递']])
    expect(f.incomplete.map((i) => [i.entry.id, i.missingGroup])).toEqual([['seven-days', 0]])
    expect([...f.notHit].map(id)).toEqual(['free-shipping'])
  })
  it('figures alone fire the size chart', () => {
    const { candidates } = build('163 98斤')
    expect(candidates.map((c) => [c.entry.id, c.method, c.keywords])).toEqual([['tops-size', 'figures', ['163cm 98斤']]])
  })
  it('a catalog names the items asked about', () => {
    const { candidates } = build('999和520哪个显白')
    expect(candidates.find((c) => c.entry.id === 'shades')!.catalog).toMatchObject({ mode: 'items', items: [0, 1] })
  })
})

describe('analyse: the steps together', () => {
  it('keeps the figures it read for the answer', () => {
    const n = normalise('身高165体重110斤穿什么码')
    const a = analyse(shop, n)
    expect(a.figures).toEqual({ heightCm: 165, weightJin: 110 })
    expect(a.candidates.map((c) => c.entry.id)).toEqual(['tops-size'])
  })
})

describe('weak keywords count only beside another sign of their entry', () => {
  let demo: CompiledShop
  beforeAll(async () => { demo = (await engineFor(DEMO_RULES)).compiled })
  const fired = (text: string) => analyse(demo, normalise(text)).candidates.map((c) => c.entry.id)
  it('a colour alone may be a bag or a dress: the shade catalog does not fire', () => {
    expect(fired('这个包有几个颜色')).not.toContain('lipstick-shades')
    expect(fired('什么颜色好看')).not.toContain('lipstick-shades')
  })
  it('beside a shade, a skin tone or a shade word it does, and it counts as a keyword of the answer', () => {
    expect(fired('999是什么颜色')).toContain('lipstick-shades')
    expect(fired('黄皮什么颜色好看')).toContain('lipstick-shades')
    const c = analyse(demo, normalise('有几个色号 什么颜色')).candidates.find((x) => x.entry.id === 'lipstick-shades')!
    expect(c.keywords).toEqual(expect.arrayContaining(['色号', '什么颜色']))
  })
})
