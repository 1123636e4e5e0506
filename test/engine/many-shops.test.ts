/**
 * Many shops on one instance (issue #13, item 6): hundreds of shop folders load, one shop's save
 * recompiles that shop only (the others keep their very engine objects), and shops made of the
 * same files share their compiled parts.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { cp, mkdtemp, mkdir, rm, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_RULES, MINI_RULES, build, msg, untilReady } from '../helpers/build.js'
import { RuleRegistry, type RegistryOptions } from '../../src/engine/registry.js'
import { decide } from '../../src/engine/decide.js'
import { pickFirst } from '../../src/engine/answer.js'
import { shopOfPath } from '../../src/rules/watch.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { buildEngine } from '../../src/engine/engine.js'
import { matchKey } from '../../src/matching/normalise.js'
import { collectHits } from '../../src/matching/match.js'
import { KeywordAutomaton } from '../../src/matching/automaton.js'

const temps: string[] = []
const registries: RuleRegistry[] = []
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()))
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

// the small test shop without its one example that fails already ("支持七天无理由退货吗" is seven-days'):
// a shop added by a reload may bring no failing example
const shopYaml = (await readFile(join(MINI_RULES, 'shop.yaml'), 'utf8')).replace('支持七天无理由退货吗, ', '')

async function shops (n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'many-'))
  temps.push(dir)
  await Promise.all(Array.from({ length: n }, (_, i) => addShop(dir, `shop-${i}`)))
  return dir
}

async function addShop (dir: string, shopId: string): Promise<void> {
  await mkdir(join(dir, shopId))
  await writeFile(join(dir, shopId, 'shop.yaml'), shopYaml)
}

async function edit (file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8')
  if (!text.includes(from)) throw new Error(`fixture changed: "${from}" not found`)
  await writeFile(file, text.replace(from, to))
}

const reply = (r: RuleRegistry, shopId: string, text: string) =>
  decide(r.get(shopId)!, { type: 'text', text }, { lastSeenAt: Date.now() - 60_000 }, { now: Date.parse('2026-11-24T04:00:00Z'), pick: pickFirst }).replies.join(' ')

const modes: Array<[string, RegistryOptions]> = [['in place', {}], ['in the reload worker, as the service does', { worker: { classifier: false } }]]

describe.each(modes)('many shops (%s)', (_, options) => {
  it('loads 200 shop folders; one shop\'s change recompiles that shop only', async () => {
    const dir = await shops(200)
    const registry = new RuleRegistry(dir, [], undefined, options)
    registries.push(registry)
    const first = await registry.reload()
    expect(first.problems).toEqual([])
    expect(first.ok).toBe(true)
    expect(registry.shopIds()).toHaveLength(200)
    await registry.checked()
    expect(registry.status().checked).toBe(200)
    const before = new Map(registry.shopIds().map((id) => [id, registry.get(id)!]))

    await edit(join(dir, 'shop-7', 'shop.yaml'), '亲，本店支持7天无理由退换货哦~', '亲，7天无理由退换，运费我们出~')
    const s = await registry.reload()
    expect(s.ok).toBe(true)
    expect(s.changed).toEqual(['shop-7'])
    for (const [id, engine] of before) {
      if (id === 'shop-7') expect(registry.get(id)).not.toBe(engine)
      else expect(registry.get(id)).toBe(engine)
    }
    expect(reply(registry, 'shop-7', '能退货吗')).toContain('运费我们出')
    expect(reply(registry, 'shop-8', '能退货吗')).toContain('本店支持7天无理由退换货')

    // nothing changed: nothing is compiled
    const again = await registry.reload()
    expect(again.changed).toEqual([])
    expect(registry.get('shop-7')).toBe(registry.get('shop-7'))
  })

  it('a reload told which shops changed reads only those; a full one finds the rest', async () => {
    const dir = await shops(10)
    const registry = new RuleRegistry(dir, [], undefined, options)
    registries.push(registry)
    await registry.reload()
    await edit(join(dir, 'shop-2', 'shop.yaml'), '亲，本店支持7天无理由退换货哦~', '亲，shop-2 的退货说明~')
    await edit(join(dir, 'shop-5', 'shop.yaml'), '亲，本店支持7天无理由退换货哦~', '亲，shop-5 的退货说明~')
    expect((await registry.reload(['shop-2'])).changed).toEqual(['shop-2'])
    expect(reply(registry, 'shop-5', '能退货吗')).toContain('本店支持')
    expect((await registry.reload()).changed).toEqual(['shop-5'])
    expect(reply(registry, 'shop-5', '能退货吗')).toContain('shop-5 的退货说明')
  })

  it('a broken save in one shop is refused; the others keep serving the very same engines', async () => {
    const dir = await shops(20)
    const registry = new RuleRegistry(dir, [], undefined, options)
    registries.push(registry)
    expect((await registry.reload()).ok).toBe(true)
    const before = new Map(registry.shopIds().map((id) => [id, registry.get(id)!]))
    // a veto that kills return-policy's own example "买了不合适能退吗": a new failure in shop-3
    await edit(join(dir, 'shop-3', 'shop.yaml'), '    not: [退款到账, 已经退了, 退款怎么还没]\n', '    not: [退款到账, 已经退了, 退款怎么还没, 能退]\n')
    const s = await registry.reload()
    expect(s.ok).toBe(false)
    expect(s.problems.map((p) => p.file).join()).toContain(join('shop-3', 'shop.yaml'))
    for (const [id, engine] of before) expect(registry.get(id)).toBe(engine)
  })

  it('a removed shop folder removes that shop only; a new one is added', async () => {
    const dir = await shops(5)
    const registry = new RuleRegistry(dir, [], undefined, options)
    registries.push(registry)
    await registry.reload()
    const kept = registry.get('shop-1')
    await rm(join(dir, 'shop-0'), { recursive: true })
    await addShop(dir, 'shop-new')
    const s = await registry.reload()
    expect(s.ok).toBe(true)
    expect(s.changed.sort()).toEqual(['shop-0', 'shop-new'])
    expect(registry.shopIds().sort()).toEqual(['shop-1', 'shop-2', 'shop-3', 'shop-4', 'shop-new'])
    expect(registry.get('shop-1')).toBe(kept)
  })
})

describe('the classifier trained in the reload worker', () => {
  it('answers on the main thread as one trained there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'many-'))
    temps.push(dir)
    for (const id of ['shop-0', 'shop-1']) await cp(DEMO_RULES, join(dir, id), { recursive: true })
    const registry = new RuleRegistry(dir, [classifierFallback()], undefined, { worker: { classifier: true } })
    registries.push(registry)
    await registry.reload()
    const file = join(dir, 'shop-1', 'return-policy.yaml')
    await writeFile(file, (await readFile(file, 'utf8')).replace(/reply: 亲，本店支持7天无理由退换货[^\n]*/, 'reply: 亲，shop-1 的退货说明~'))
    expect((await registry.reload()).changed).toEqual(['shop-1'])
    const served = registry.get('shop-1')!
    // a copy of the rules is not taken for the loaded set: trained here from scratch
    const here = buildEngine({ ...served.rules }, [classifierFallback()])
    const texts = ['快递到上海几天', '多久能发出来', '今天天气怎么样', '你们支持退换吗', '这个色号显白吗']
    expect(texts.some((t) => here.fallbacks[0]!.classify(matchKey(t)) !== undefined)).toBe(true)
    for (const text of texts) expect(served.fallbacks[0]!.classify(matchKey(text))).toEqual(here.fallbacks[0]!.classify(matchKey(text)))
  })
})

describe('a first load that outlasts the start', () => {
  it('the service listens meanwhile: /readyz 503 and messages 503 AR_ERR_RULES_LOADING, then every shop answers', async () => {
    const dir = await shops(50)
    // the start waits for nothing: the load of 50 shops is still running when the app is up
    const app = await build({ rules: dir, rulesStartWaitMs: 0 })
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().rules).toMatchObject({ ok: false, loading: true })
    const early = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('能退货吗', { shopId: 'shop-3' }) })
    expect(early.statusCode).toBe(503)
    expect(early.json().code).toBe('AR_ERR_RULES_LOADING')
    expect(early.headers['retry-after']).toBe('5')
    await untilReady(app)
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().rules.shops).toHaveLength(50)
    const later = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('能退货吗', { shopId: 'shop-3' }) })
    expect(later.json().replies[0].text).toContain('本店支持7天无理由退换货')
    const unknown = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('能退货吗', { shopId: 'shop-999' }) })
    expect(unknown.json().code).toBe('AR_ERR_UNKNOWN_SHOP')
  })
})

describe('the watcher names the shop of a changed path', () => {
  it('a shop folder, the top-level files (shop default), or the whole directory', () => {
    expect(shopOfPath('/r', join('/r', 'shop-1', 'size.yaml'))).toBe('shop-1')
    expect(shopOfPath('/r', join('/r', 'shop-1'))).toBe('shop-1')
    expect(shopOfPath('/r', join('/r', 'shop.yaml'))).toBe('default')
    expect(shopOfPath('/r', '/r')).toBeUndefined()
  })
})

describe('shared compiled parts', () => {
  it('shops made of the same files share one automaton, typo index and regex set; an edited shop gets its own', async () => {
    const dir = await shops(3)
    const registry = new RuleRegistry(dir)
    await registry.reload()
    const [a, b] = [registry.get('shop-0')!.compiled, registry.get('shop-1')!.compiled]
    expect(a).not.toBe(b)
    expect(a.automaton).toBe(b.automaton)
    expect(a.typos).toBe(b.typos)
    expect(a.regexSet).toBe(b.regexSet)
    await edit(join(dir, 'shop-2', 'shop.yaml'), 'keywords: [在吗, 你好, 有人吗]', 'keywords: [在吗, 你好, 有人吗, 老板在吗]')
    await registry.reload()
    const c = registry.get('shop-2')!.compiled
    expect(c.automaton).not.toBe(a.automaton)
    expect(reply(registry, 'shop-2', '老板在吗')).toBe(reply(registry, 'shop-0', '在吗'))
    // the built-in marker and complaint words are one automaton for every shop, whatever its files
    expect(c.builtin).toBeDefined()
    expect(c.builtin).toBe(a.builtin)
    expect(c.builtin!.automaton).toBe(a.builtin!.automaton)
  })

  it('a shop that shares no file still shares the built-in words; what it answers is what one automaton over all its words answered', async () => {
    const dir = await shops(2)
    await edit(join(dir, 'shop-1', 'shop.yaml'), 'keywords: [在吗, 你好, 有人吗]', 'keywords: [在吗, 你好, 有人吗, 发票]')
    const registry = new RuleRegistry(dir)
    await registry.reload()
    const [a, b] = [registry.get('shop-0')!.compiled, registry.get('shop-1')!.compiled]
    expect(b.automaton).not.toBe(a.automaton)
    expect(b.builtin!.automaton).toBe(a.builtin!.automaton)
    // the built-in words are not in the shop's own automaton, unless the shop uses them too
    expect(a.roles.has(matchKey('怎么还'))).toBe(false)
    expect(a.builtin!.roles.get(matchKey('怎么还'))).toEqual([{ role: 'marker', kind: 'anomaly' }])
    // 发票 is an other-topic word, but shop-1 answers it: dropped from its built-ins, a keyword of its own
    expect(b.builtinSkip.has('发票')).toBe(true)
    expect(a.builtinSkip.has('发票')).toBe(false)
    expect(b.roles.get('发票')).toEqual([expect.objectContaining({ role: 'kw' })])
    for (const shop of [a, b]) {
      const { shop: rules, entries, core } = shop
      // the same shop compiled the way it was before: one automaton over its own and the built-in words
      const keys = [...new Set([...shop.roles.keys(), ...[...shop.builtin!.roles.keys()].filter((k) => !shop.builtinSkip.has(k))])]
      const roles = new Map(keys.map((k) => [k, [...(shop.roles.get(k) ?? shop.builtin!.roles.get(k)!)]]))
      const single = { ...shop, core, entries, shop: rules, roles, automaton: new KeywordAutomaton(keys), builtin: undefined, builtinSkip: new Set<string>() }
      for (const text of ['我的快递怎么还没到啊 投诉', '发票怎么开', '不会给差评的 在吗', '退货运费谁出呢', '垃圾袋有吗']) {
        expect(collectHits(shop, matchKey(text))).toEqual(collectHits(single, matchKey(text)))
      }
    }
  })
})
