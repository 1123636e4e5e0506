import { describe, it, expect } from 'vitest'
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRulesDir, formatProblem } from '../../src/rules/load.js'
import { DEMO_RULES, MINI_RULES } from '../helpers/build.js'

async function dirWith (files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rules-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true })
    await writeFile(join(dir, name), text)
  }
  return dir
}

describe('loadRulesDir', () => {
  it('loads the test rules and the shipped demo rules without a problem', async () => {
    for (const dir of [MINI_RULES, DEMO_RULES]) {
      const { problems, shops } = await loadRulesDir(dir)
      expect(problems.map(formatProblem)).toEqual([])
      expect(shops.get('default')!.rules.length).toBeGreaterThan(0)
    }
  })

  it('names file, line, rule id and reason for a mistake', async () => {
    const dir = await dirWith({
      'a.yaml': 'rules:\n  - id: ok\n    intent: shipping\n    keywords: [包邮]\n    reply: 包邮哦\n  - id: typo\n    intent: shipping\n    keywords: [发货]\n    replly: 48小时发货\n'
    })
    const { problems } = await loadRulesDir(dir)
    const text = problems.map(formatProblem).join('\n')
    expect(text).toContain('a.yaml:6 [typo]')
    expect(text).toContain('unknown field "replly"')
    await rm(dir, { recursive: true })
  })

  it('reports YAML syntax errors with their line', async () => {
    const dir = await dirWith({ 'b.yaml': 'rules:\n  - id: x\n    keywords: [a, b\n    reply: c\n' })
    const { problems } = await loadRulesDir(dir)
    expect(problems[0]!.file).toMatch(/b\.yaml$/)
    expect(problems[0]!.message).toMatch(/YAML syntax/)
    expect(problems[0]!.line).toBeGreaterThan(1)
    await rm(dir, { recursive: true })
  })

  it('rejects a regex the linear-time engine cannot run (lookahead)', async () => {
    const dir = await dirWith({ 'c.yaml': "rules:\n  - id: rx\n    intent: shipping\n    regex: ['(?=a)b']\n    reply: x\n" })
    const { problems } = await loadRulesDir(dir)
    expect(formatProblem(problems[0]!)).toMatch(/c\.yaml:4 \[rx\] rules\.0\.regex\.0: not a valid RE2 pattern/)
    await rm(dir, { recursive: true })
  })

  it('rejects duplicate ids across files, naming both places', async () => {
    const rule = 'rules:\n  - id: same\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'a.yaml': rule, 'b.yaml': rule })
    const { problems } = await loadRulesDir(dir)
    expect(formatProblem(problems[0]!)).toMatch(/b\.yaml:2 \[same\] id "same" is already used at .*a\.yaml:2/)
    await rm(dir, { recursive: true })
  })

  it('serves each subfolder as a shop', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'shop-a/a.yaml': rule, 'shop-b/b.yaml': rule })
    const { shops, problems } = await loadRulesDir(dir)
    expect(problems).toEqual([])
    expect([...shops.keys()].sort()).toEqual(['shop-a', 'shop-b'])
    await rm(dir, { recursive: true })
  })
})
