/**
 * A reload that breaks the rules' own examples, or whose templates name a placeholder nobody fills,
 * is rejected and the previous set keeps serving (issue #14, item 4); RULES_ACCEPT_WARNINGS accepts
 * it with warnings in the status.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { mkdtemp, cp, rm, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MINI_RULES, build, msg } from '../helpers/build.js'
import { until } from '../helpers/until.js'
import { RuleRegistry } from '../../src/engine/registry.js'
import { loadRulesDir } from '../../src/rules/load.js'
import { placeholderProblems } from '../../src/rules/placeholders.js'

const temps: string[] = []
afterEach(async () => { await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true }))) })

async function miniCopy (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guard-'))
  temps.push(dir)
  await cp(MINI_RULES, dir, { recursive: true })
  return dir
}

async function edit (dir: string, from: string, to: string): Promise<void> {
  const file = join(dir, 'shop.yaml')
  const text = await readFile(file, 'utf8')
  if (!text.includes(from)) throw new Error(`fixture changed: "${from}" not found`)
  await writeFile(file, text.replace(from, to))
}

// a veto that kills return-policy's own example "买了不合适能退吗"
const VETO = ['    not: [退款到账, 已经退了, 退款怎么还没]\n', '    not: [退款到账, 已经退了, 退款怎么还没, 能退]\n'] as const
const TYPO = ['前面还有{position}位~', '前面还有{positon}位~'] as const

describe('reload guard', () => {
  it('rejects a reload that makes an example fail, naming file and line; the previous set keeps serving', async () => {
    const dir = await miniCopy()
    const registry = new RuleRegistry(dir)
    expect((await registry.reload()).ok).toBe(true)
    const serving = registry.get('default')
    await edit(dir, ...VETO)
    const s = await registry.reload()
    expect(s.ok).toBe(false)
    expect(s.problems.map((p) => `${p.file}:${p.line} [${p.ruleId}] ${p.message}`).join('\n')).toMatch(/shop\.yaml:7 \[return-policy\] example does not fire the rule: "买了不合适能退吗"/)
    expect(registry.get('default')).toBe(serving)
    expect(registry.status().lastError?.message).toContain('RULES_ACCEPT_WARNINGS')
  })

  it('rejects a template naming an unknown placeholder ({positon})', async () => {
    const dir = await miniCopy()
    const registry = new RuleRegistry(dir)
    await registry.reload()
    await edit(dir, ...TYPO)
    const s = await registry.reload()
    expect(s.ok).toBe(false)
    expect(s.problems[0]!.message).toContain('handoff.reply: unknown placeholder {positon} would be sent to buyers as written (known here: {position} {agents})')
    expect(s.problems[0]!.line).toBe(54)
  })

  it('accepts both with warnings when asked to', async () => {
    const dir = await miniCopy()
    const registry = new RuleRegistry(dir, [], undefined, { acceptWarnings: true })
    await registry.reload()
    await edit(dir, ...VETO)
    await edit(dir, ...TYPO)
    const s = await registry.reload()
    expect(s.ok).toBe(true)
    expect(s.warnings.some((w) => w.message.includes('{positon}'))).toBe(true)
    expect(s.warnings.some((w) => w.message.includes('example does not fire the rule: "买了不合适能退吗"'))).toBe(true)
  })

  it('examples failing already in the serving set do not block a reload', async () => {
    const dir = await miniCopy()
    await edit(dir, ...VETO)
    const registry = new RuleRegistry(dir)
    const first = await registry.reload()
    // at start-up there is nothing to keep serving: the failure is a warning
    expect(first.ok).toBe(true)
    expect(first.warnings.some((w) => w.message.includes('买了不合适能退吗'))).toBe(true)
    await edit(dir, '48小时内发货~', '24小时内发货~')
    expect((await registry.reload()).ok).toBe(true)
  })

  it('over HTTP: the status shows why, and buyers still get the previous reply', async () => {
    const dir = await miniCopy()
    const app = await build({ rules: dir })
    await edit(dir, ...TYPO)
    process.emit('SIGHUP')
    await until(() => app.rules.status().reloads >= 2, 'the SIGHUP reload')
    const status = (await app.inject('/v1/rules/status')).json()
    expect(status.lastReload.ok).toBe(false)
    expect(status.lastError.message).toContain('{positon}')
    const res = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })
    expect(res.json().replies[0].text).not.toContain('{positon}')
  })

  it('the shipped and fixture rules name only known placeholders', async () => {
    for (const d of [MINI_RULES, join(MINI_RULES, '../../../rules')]) {
      const { shops } = await loadRulesDir(d)
      for (const shop of shops.values()) expect(placeholderProblems(shop)).toEqual([])
    }
  })
})
