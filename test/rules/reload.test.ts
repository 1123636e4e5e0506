/**
 * Live reload details (J10): editor bursts, SIGHUP, a rejected reload made visible, reloads that
 * overlap, and requests in flight while the set is swapped. Every wait polls with a bound.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { mkdtemp, cp, rm, writeFile, mkdir, symlink } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg, MINI_RULES } from '../helpers/build.js'
import { untilMatch } from '../helpers/until.js'
import { watchRules } from '../../src/rules/watch.js'
import { RuleRegistry } from '../../src/engine/registry.js'
import { loadRulesDir, type LoadResult } from '../../src/rules/load.js'

const temps: string[] = []
afterEach(async () => { await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true }))) })

async function tempDir (from?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reload-'))
  temps.push(dir)
  if (from) await cp(from, dir, { recursive: true })
  return dir
}

const rule = (id: string, intent: string, keyword: string, reply: string) =>
  `rules:\n  - id: ${id}\n    intent: ${intent}\n    keywords: [${keyword}]\n    reply: ${reply}\n`

describe('the watcher', () => {
  it('turns a burst of saves to several files into one reload', async () => {
    const dir = await tempDir()
    const names = ['a', 'b', 'c', 'd', 'e']
    for (const n of names) await writeFile(join(dir, `${n}.yaml`), rule(n, 'shipping', n, 'v0'))
    let calls = 0
    const watcher = watchRules(dir, () => { calls++ }, 300)
    try {
      await watcher.ready
      // one "save all" in an editor: every file written back to back
      for (const n of names) writeFileSync(join(dir, `${n}.yaml`), rule(n, 'shipping', n, 'v1'))
      await untilMatch(() => calls, (c) => c >= 1, 'the reload after the burst')
      // a later, separate save is the marker: had the burst produced more reloads, they came before it
      writeFileSync(join(dir, 'a.yaml'), rule('a', 'shipping', 'a', 'v2'))
      await untilMatch(() => calls, (c) => c >= 2, 'the reload after the marker save')
      expect(calls).toBe(2)
    } finally {
      await watcher.close()
    }
  })
})

describe('RuleRegistry', () => {
  it('a reload asked for while one runs waits for it, so the newer files win', async () => {
    const dir = await tempDir()
    const file = join(dir, 'shop.yaml')
    await writeFile(file, rule('r', 'shipping', '包邮', 'old'))
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    let firstRead!: () => void
    const firstHasRead = new Promise<void>((r) => { firstRead = r })
    // the first load reads the old file, then stalls (a slow disk, a big rule set) before returning
    const load = async (d: string): Promise<LoadResult> => {
      const n = ++calls
      const result = await loadRulesDir(d)
      if (n === 1) { firstRead(); await gate }
      return result
    }
    const registry = new RuleRegistry(dir, [], load)
    const first = registry.reload()
    await firstHasRead
    await writeFile(file, rule('r', 'shipping', '包邮', 'new'))
    const second = registry.reload()
    // a second load must not start beside the running one: it could finish first and be overwritten
    expect(calls).toBe(1)
    release()
    await Promise.all([first, second])
    expect(calls).toBe(2)
    expect(registry.get('default')!.rules.rules[0]!.reply).toBe('new')
  })

  it('reloads asked for during one reload share a single follow-up', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'shop.yaml'), rule('r', 'shipping', '包邮', 'x'))
    const registry = new RuleRegistry(dir)
    const all = await Promise.all([registry.reload(), registry.reload(), registry.reload(), registry.reload()])
    expect(all.every((s) => s.ok)).toBe(true)
    expect(registry.status().reloads).toBe(2)
  })

  it('a loader that throws is a rejected reload, never an unhandled rejection', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'shop.yaml'), rule('r', 'shipping', '包邮', 'x'))
    let fail = false
    const registry = new RuleRegistry(dir, [], async (d) => {
      if (fail) throw new Error('EIO: i/o error, scandir')
      return loadRulesDir(d)
    })
    expect((await registry.reload()).ok).toBe(true)
    fail = true
    const s = await registry.reload()
    expect(s.ok).toBe(false)
    expect(registry.status().lastError!.message).toContain('EIO')
    expect(registry.get('default')).toBeDefined()
  })
})

describe('reload in the running service', () => {
  it('SIGHUP reloads when file watching is off', async () => {
    const dir = await tempDir(MINI_RULES)
    const app = await build({ rules: dir, env: { RULES_WATCH: 'false' } })
    const before = app.rules.status().reloads
    await writeFile(join(dir, 'extra.yaml'), rule('invoice', 'invoice', '发票', '亲，可以开电子发票~'))
    process.emit('SIGHUP')
    await untilMatch(() => app.rules.status().reloads, (n) => n > before, 'the SIGHUP reload')
    const res = (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('能开发票吗') })).json()
    expect(res.matched[0].ruleId).toBe('invoice')
  })

  it('a rejected reload shows in /v1/rules/status with file:line and in /metrics; a good one clears both', async () => {
    const dir = await tempDir(MINI_RULES)
    const app = await build({ rules: dir })
    const status = async () => (await app.inject({ method: 'GET', url: '/v1/rules/status' })).json()
    const gauge = async () => /^autoreply_rules_last_reload_ok (\d)$/m.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]
    expect(await gauge()).toBe('1')

    await writeFile(join(dir, 'extra.yaml'), 'rules:\n  - id: invoice\n    intent: invoice\n    keywords: [发票]\n    reply: 可以开票\n    priority: high\n')
    process.emit('SIGHUP')
    const broken = await untilMatch(status, (s) => s.lastError !== null, 'the rejected reload in the status')
    expect(broken.lastError.message).toMatch(/extra\.yaml:6 \[invoice\] rules\.0\.priority: /)
    expect(broken.lastError.problems[0]).toMatchObject({ line: 6, ruleId: 'invoice', file: expect.stringMatching(/extra\.yaml$/) })
    expect(broken.lastReload.ok).toBe(false)
    expect(await gauge()).toBe('0')
    // the previous rules keep serving
    expect((await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗') })).json().matched[0].ruleId).toBe('free-shipping')

    await writeFile(join(dir, 'extra.yaml'), rule('invoice', 'invoice', '发票', '可以开票'))
    process.emit('SIGHUP')
    const fixed = await untilMatch(status, (s) => s.lastError === null, 'the good reload in the status')
    expect(fixed.lastReload.ok).toBe(true)
    expect(await gauge()).toBe('1')
  })

  it('an editor lock file or a broken link in a shop folder is never fatal', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'shop-a'))
    await writeFile(join(dir, 'shop-a', 'shop.yaml'), rule('r', 'shipping', '包邮', '包邮哦'))
    const app = await build({ rules: dir })
    const before = app.rules.status().reloads
    await symlink('operator@host.77:1700000000', join(dir, 'shop-a', '.#shop.yaml'))
    await symlink(join(dir, 'nowhere.yaml'), join(dir, 'shop-a', 'more.yaml'))
    process.emit('SIGHUP')
    const s = await untilMatch(() => app.rules.status(), (x) => x.reloads > before, 'the SIGHUP reload')
    expect(s.lastError!.message).toMatch(/shop-a\/more\.yaml cannot read the file: ENOENT/)
    expect(s.lastError!.message).not.toContain('.#shop.yaml')
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗', { shopId: 'shop-a' }) })
    expect(res.json().replies[0].text).toBe('包邮哦')
  })

  it('a request in flight during reloads sees the old set or the new one, never a mix', async () => {
    const dir = await tempDir()
    const write = (v: number) => {
      // the two answers of one message come from two files: a half-swapped set would mix versions
      writeFileSync(join(dir, 'a.yaml'), rule('shipping', 'shipping', '包邮', `包邮 v${v}`))
      writeFileSync(join(dir, 'b.yaml'), rule('returns', 'return_policy', '退货', `退货 v${v}`))
    }
    write(0)
    const app = await build({ rules: dir, env: { RULES_WATCH: 'false' } })
    let done = false
    const seen = new Set<string>()
    const problems: string[] = []
    const sender = async () => {
      while (!done) {
        const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗？能退货吗') })
        const texts: string[] = res.json().replies?.map((r: { text: string }) => r.text) ?? []
        const versions = new Set(texts.map((t) => /v(\d+)$/.exec(t)?.[1]))
        if (res.statusCode !== 200 || texts.length !== 2 || versions.size !== 1) problems.push(`${res.statusCode} ${res.body}`)
        seen.add([...versions].join())
      }
    }
    const senders = [sender(), sender(), sender()]
    for (let v = 1; v <= 30; v++) {
      // files change only between reloads, so every set that loads is whole; the swap must keep it so
      write(v)
      const s = await app.rules.reload()
      expect(s.ok).toBe(true)
    }
    done = true
    await Promise.all(senders)
    expect(problems).toEqual([])
    expect(seen.size).toBeGreaterThan(1)
  })
})
