import { describe, it, expect } from 'vitest'
import { mkdtemp, writeFile, mkdir, rm, symlink, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRulesDir, formatProblem, parseRuleFile } from '../../src/rules/load.js'
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
    // line 9 holds the misspelt key; the rule starts on line 6
    expect(text).toContain('a.yaml:9 [typo] rules.1: unknown field "replly"')
    await rm(dir, { recursive: true })
  })

  it('collects quick replies from every file in order, each with file and line; an unknown placeholder is an error', async () => {
    const dir = await dirWith({
      'a.yaml': 'quick_replies:\n  - title: 接待\n    text: "{buyer}您好，我是{agent}"\n',
      'b.yaml': 'quick_replies:\n  - {title: 稍等, text: 请稍等}\n'
    })
    const { problems, shops } = await loadRulesDir(dir)
    expect(problems).toEqual([])
    expect(shops.get('default')!.quickReplies.map((q) => [q.title, q.text, q.file.endsWith('a.yaml') ? 'a' : 'b', q.line])).toEqual([
      ['接待', '{buyer}您好，我是{agent}', 'a', 2], ['稍等', '请稍等', 'b', 2]
    ])
    await writeFile(join(dir, 'b.yaml'), 'quick_replies:\n  - title: 稍等\n    text: "{name}请稍等"\n')
    const bad = await loadRulesDir(dir)
    expect(bad.problems.map(formatProblem).join('\n')).toMatch(/b\.yaml:3 .*unknown placeholder \{name\}: use \{buyer\}, \{agent\}, \{shop\}/)
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

  it('blames the file saved last for a duplicate id, not the untouched one that sorts later (#14)', async () => {
    const rule = 'rules:\n  - id: same\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'a.yaml': rule, 'b.yaml': rule })
    // b.yaml has been there for an hour; the operator just added the rule to a.yaml
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(join(dir, 'b.yaml'), hourAgo, hourAgo)
    const { problems } = await loadRulesDir(dir)
    expect(problems).toHaveLength(1)
    expect(formatProblem(problems[0]!)).toMatch(/a\.yaml:2 \[same\] id "same" is already used at .*b\.yaml:2/)
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

  it('names the line of an unknown field given as a block, not the line of its value', async () => {
    const dir = await dirWith({ 'a.yaml': 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n    exampels:\n      - 包邮吗\n' })
    const { problems } = await loadRulesDir(dir)
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/a\.yaml:6 \[r\] rules\.0: unknown field "exampels"/)])
    await rm(dir, { recursive: true })
  })

  it('follows linked files and folders (a Kubernetes ConfigMap mounts every file as a link)', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const store = await dirWith({ 'real/shop.yaml': rule, 'real-b/b.yaml': rule.replace('id: r', 'id: rb') })
    const dir = await dirWith({})
    await symlink(join(store, 'real/shop.yaml'), join(dir, 'shop.yaml'))
    await symlink(join(store, 'real-b'), join(dir, 'shop-b'))
    const { shops, problems } = await loadRulesDir(dir)
    expect(problems.map(formatProblem)).toEqual([])
    expect(shops.get('default')!.rules.map((r) => r.id)).toEqual(['r'])
    expect(shops.get('shop-b')!.rules.map((r) => r.id)).toEqual(['rb'])
    await rm(dir, { recursive: true })
    await rm(store, { recursive: true })
  })

  it('skips hidden files: an editor lock file (a link to nowhere) or a macOS "._" file never breaks a load', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'shop.yaml': rule, 'shop-a/a.yaml': rule, 'shop-a/._a.yaml': '\u0000\u0005binary', '._shop.yaml': '\u0000' })
    // Emacs marks a file being edited with a dangling link named .#<file>
    await symlink('operator@host.4242:1700000000', join(dir, 'shop-a/.#a.yaml'))
    await symlink('operator@host.4242:1700000000', join(dir, '.#shop.yaml'))
    const { shops, problems } = await loadRulesDir(dir)
    expect(problems.map(formatProblem)).toEqual([])
    expect([...shops.keys()]).toEqual(['default', 'shop-a'])
    await rm(dir, { recursive: true })
  })

  it('reports a rule file that cannot be read (a broken link) instead of throwing', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'shop-a/a.yaml': rule })
    await symlink(join(dir, 'gone.yaml'), join(dir, 'shop-a/b.yaml'))
    const { problems } = await loadRulesDir(dir)
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/shop-a\/b\.yaml cannot read the file: ENOENT/)])
    await rm(dir, { recursive: true })
  })

  it('rejects a shop folder whose name the webhook\'s shopId cannot carry', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ '小美衣橱/a.yaml': rule, 'my shop/a.yaml': rule, 'shop-b/b.yaml': rule })
    const { problems } = await loadRulesDir(dir)
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/my shop folder name "my shop" cannot be a shop id/),
      expect.stringMatching(/小美衣橱 folder name "小美衣橱" cannot be a shop id/)
    ])
    await rm(dir, { recursive: true })
  })

  it('rejects top-level files beside a "default" folder: both would be the shop "default"', async () => {
    const rule = 'rules:\n  - id: r\n    intent: shipping\n    keywords: [包邮]\n    reply: x\n'
    const dir = await dirWith({ 'shop.yaml': rule, 'default/a.yaml': rule })
    const { problems } = await loadRulesDir(dir)
    // the folder as a whole is the problem: no ":0" line for the operator to hunt for
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/default shop "default" is defined both by the top-level \*\.yaml files and by the "default" folder/)])
    await rm(dir, { recursive: true })
  })
})

describe('parseRuleFile and the environment', () => {
  it('process.env is the real environment again after a parse, a broken file and a failing one alike', () => {
    const env = process.env
    const problems: Parameters<typeof parseRuleFile>[2] = []
    expect(parseRuleFile('rules:\n  - id: a\n    intent: x\n    keywords: [包邮]\n    reply: 包邮哦\n', 'a.yaml', problems)).toBeDefined()
    expect(process.env).toBe(env)
    expect(parseRuleFile('rules: [\n', 'b.yaml', problems)).toBeUndefined()
    expect(process.env).toBe(env)
    expect(parseRuleFile('rules:\n  - id: a\n    intent: x\n', 'c.yaml', problems)).toBeUndefined()
    expect(process.env).toBe(env)
    expect(process.env.PATH).toBeDefined()
  })
})
