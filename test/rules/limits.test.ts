/**
 * Size limits of a rule set (issue #14, item 3): each refused with a code, file and line, and a
 * message naming the variable that changes it. Small limits here; the defaults are in the README.
 */
import { describe, it, expect, afterAll } from 'vitest'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRulesDir, formatProblem, DEFAULT_LIMITS } from '../../src/rules/load.js'
import { loadConfig } from '../../src/config.js'

const temps: string[] = []
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))) })

async function dirWith (text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'limits-'))
  temps.push(dir)
  await writeFile(join(dir, 'shop.yaml'), text)
  return dir
}

const rule = (id: string, keywords: string[], reply = '好的') => `  - id: ${id}\n    intent: shipping\n    keywords: [${keywords.join(', ')}]\n    reply: ${reply}\n`

describe('rule set limits', () => {
  it('a file over the size limit is refused before it is read', async () => {
    const dir = await dirWith(`rules:\n${rule('a', ['包邮'])}`)
    const { problems } = await loadRulesDir(dir, { ...DEFAULT_LIMITS, fileBytes: 20 })
    expect(problems.map(formatProblem)[0]).toMatch(/shop\.yaml AR_RULES_LIMIT_FILE_SIZE: the file is \d+ bytes, over the limit of 20 \(RULES_MAX_FILE_BYTES\)/)
  })

  it('too many rules in a shop', async () => {
    const dir = await dirWith(`rules:\n${rule('a', ['包邮'])}${rule('b', ['发货'])}${rule('c', ['快递'])}`)
    const { problems } = await loadRulesDir(dir, { ...DEFAULT_LIMITS, entriesPerShop: 2 })
    expect(problems.map((p) => p.code)).toEqual(['AR_RULES_LIMIT_RULES'])
    expect(problems[0]!.message).toContain('3 rules, size charts and catalogs, over the limit of 2 (RULES_MAX_RULES)')
  })

  it('too many keywords in one rule, with its line and id', async () => {
    const dir = await dirWith(`rules:\n${rule('a', ['包邮'])}${rule('many', ['一', '二', '三', '四'])}`)
    const { problems } = await loadRulesDir(dir, { ...DEFAULT_LIMITS, keywordsPerRule: 3 })
    expect(formatProblem(problems[0]!)).toMatch(/shop\.yaml:6 \[many\] AR_RULES_LIMIT_KEYWORDS: 4 keywords .* over the limit of 3 \(RULES_MAX_KEYWORDS\)/)
  })

  it('a reply over the length limit', async () => {
    const dir = await dirWith(`rules:\n${rule('long', ['包邮'], '包'.repeat(30))}`)
    const { problems } = await loadRulesDir(dir, { ...DEFAULT_LIMITS, replyChars: 20 })
    expect(problems[0]).toMatchObject({ code: 'AR_RULES_LIMIT_REPLY', ruleId: 'long' })
    expect(problems[0]!.message).toContain('a reply of 30 characters, over the limit of 20 (RULES_MAX_REPLY_CHARS)')
  })

  it('defaults are documented values and configurable from the environment', () => {
    expect(DEFAULT_LIMITS).toEqual({ fileBytes: 1_048_576, entriesPerShop: 2000, keywordsPerRule: 500, replyChars: 2000 })
    const c = loadConfig({ RULES_MAX_FILE_BYTES: '2097152', RULES_MAX_RULES: '5000', RULES_MAX_KEYWORDS: '50', RULES_MAX_REPLY_CHARS: '500' })
    expect([c.RULES_MAX_FILE_BYTES, c.RULES_MAX_RULES, c.RULES_MAX_KEYWORDS, c.RULES_MAX_REPLY_CHARS]).toEqual([2_097_152, 5000, 50, 500])
  })

  it('the shipped rules are well within the defaults', async () => {
    const { problems } = await loadRulesDir(join(import.meta.dirname, '../../rules'))
    expect(problems).toEqual([])
  })
})
