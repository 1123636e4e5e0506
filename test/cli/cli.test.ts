/**
 * The operator CLI as operators run it: the real bin in a child process, judged by exit code and
 * what it prints. In-process calls would miss the bin wrapper, argument parsing and exit codes.
 */
import { describe, it, expect, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRulesDir } from '../../src/rules/load.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin/shop-autoreply.js')
const SHOPS = join(ROOT, 'test/fixtures/rules-shops')

interface Run { code: number; stdout: string; stderr: string }

/** Runs the bin from the repository root (where operators run it), never failing on a non-zero exit. */
function run (args: string[]): Promise<Run> {
  // RULES_DIR from the developer's shell must not change which rules the CLI reads
  const env = { ...process.env, RULES_DIR: '' }
  delete (env as Record<string, string | undefined>).RULES_DIR
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const temps: string[] = []
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))) })

async function dirWith (files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cli-rules-'))
  temps.push(dir)
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), text)
  }
  return dir
}

const shipping = [
  'rules:',
  '  - id: free-shipping',
  '    intent: shipping',
  '    keywords: [包邮, 运费]',
  '    examples: [包邮吗]',
  '    reply: 亲，全国包邮哦~',
  ''
].join('\n')

describe('shop-autoreply check', () => {
  it('passes the shipped rules and prints the counts of each shop', async () => {
    const { shops } = await loadRulesDir(join(ROOT, 'rules'))
    const demo = shops.get('default')!
    const r = await run(['check', 'rules'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const entries = demo.rules.length + demo.sizeCharts.length + demo.catalogs.length
    expect(r.stdout).toMatch(new RegExp(`✓ shop default: ${demo.files.length} file\\(s\\), ${entries} rule\\(s\\), \\d+ example\\(s\\), 0 failing`))
  })

  it('prints one line of counts per shop in a multi-shop directory', async () => {
    const r = await run(['check', SHOPS])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/✓ shop shop-a: 1 file\(s\), \d+ rule\(s\)/)
    expect(r.stdout).toMatch(/✓ shop shop-b: 1 file\(s\), \d+ rule\(s\)/)
  })

  it('fails when an example does not fire its rule, naming file:line, rule id and the example', async () => {
    const dir = await dirWith({ 'shipping.yaml': shipping.replace('examples: [包邮吗]', 'examples: [包邮吗, 几点发货]') })
    const r = await run(['check', dir])
    expect(r.code).toBe(1)
    // line 2 is where the rule starts ("- id: free-shipping")
    expect(r.stdout).toMatch(/shipping\.yaml:2 \[free-shipping\] example does not fire the rule: "几点发货"/)
    expect(r.stdout).toMatch(/✗ shop default: .* 1 failing/)
  })

  it('fails when a not_example fires its rule', async () => {
    const dir = await dirWith({ 'shipping.yaml': shipping.replace('examples: [包邮吗]', 'examples: [包邮吗]\n    not_examples: [运费险怎么赔]') })
    const r = await run(['check', dir])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/shipping\.yaml:2 \[free-shipping\] not_example fires the rule: "运费险怎么赔"/)
  })

  it('names file:line of a YAML syntax error', async () => {
    // the flow sequence on line 4 is never closed
    const dir = await dirWith({ 'broken.yaml': shipping.replace('keywords: [包邮, 运费]', 'keywords: [包邮, 运费') })
    const r = await run(['check', dir])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/broken\.yaml:\d+ YAML syntax: /)
    expect(r.stdout).not.toMatch(/broken\.yaml:[01] /)
  })

  it('names file:line, the rule and the misspelt field of an unknown field', async () => {
    const dir = await dirWith({ 'typo.yaml': shipping.replace('    reply:', '    replly:') })
    const r = await run(['check', dir])
    expect(r.code).toBe(1)
    // line 6 is the misspelt key itself, where the operator has to look
    expect(r.stdout).toMatch(/typo\.yaml:6 \[free-shipping\] .*unknown field "replly"/)
  })

  it('reports a keyword hidden inside another intent\'s keyword, with both rule ids and the file', async () => {
    const dir = await dirWith({
      'returns.yaml': [
        'rules:',
        '  - id: refund-status',
        '    intent: refund',
        '    keywords: [退]',
        '    reply: 亲，退款一般1-3天到账~',
        '  - id: return-policy',
        '    intent: return_policy',
        '    keywords: [退货]',
        '    reply: 亲，支持7天无理由退货~',
        ''
      ].join('\n')
    })
    const r = await run(['check', dir])
    // a conflict is worth a look, not a failure
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/returns\.yaml:2 \[refund-status\] keyword "退" is inside "退货" of "return-policy"/)
  })

  it('fails with a clear line when the directory does not exist', async () => {
    const r = await run(['check', join(tmpdir(), 'no-such-rules-dir-for-cli-test')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/cannot read the rules directory: ENOENT/)
    expect(r.stderr).toBe('')
  })
})

describe('shop-autoreply test', () => {
  it('prints the reply and the rule that won', async () => {
    const r = await run(['test', '不合适可以退吗'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^action: +reply$/m)
    expect(r.stdout).toMatch(/^reply: +亲，本店支持7天无理由退换货/m)
    expect(r.stdout).toMatch(/answered +return-policy \(return_policy\) rules\/return-policy\.yaml:\d+ — fired on .*"可以退"/)
  })

  it('--json prints the same explanation as JSON', async () => {
    const r = await run(['test', '不合适可以退吗', '--json'])
    expect(r.code).toBe(0)
    const x = JSON.parse(r.stdout)
    expect(x.decision).toMatchObject({ action: 'reply', matched: [expect.objectContaining({ ruleId: 'return-policy', intent: 'return_policy' })] })
    expect(x.considered).toContainEqual(expect.objectContaining({ ruleId: 'return-policy', verdict: 'answered', file: 'rules/return-policy.yaml' }))
  })

  it('answers with the rules of the shop given by --shop', async () => {
    const r = await run(['test', '包邮吗', '--dir', SHOPS, '--shop', 'shop-b', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).decision.matched[0].ruleId).toBe('b-shipping')
    const unknown = await run(['test', '包邮吗', '--dir', SHOPS])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toMatch(/no shop "default" .*shops: shop-a, shop-b/)
  })
})

describe('shop-autoreply coverage', () => {
  it('reads plain lines and JSONL; prints the answered share per intent and merges near-duplicate unanswered questions', async () => {
    const dir = await dirWith({
      'chats.txt': [
        '不合适可以退吗',
        '{"text":"包邮吗","buyerId":"b1"}',
        '我的快递到哪了',
        '{"text":"我的快递到哪了呀"}',
        '我的快遞到哪了',
        '',
        '能开发票吗',
        '{"text":"支持七天无理由吗"}',
        '发什么快递'
      ].join('\n')
    })
    const r = await run(['coverage', join(dir, 'chats.txt')])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^8 messages: 4 answered \(50\.0%\), 4 handed off$/m)
    expect(r.stdout).toMatch(/answered +return_policy +2 +25\.0%/)
    expect(r.stdout).toMatch(/answered +shipping +2 +25\.0%/)
    const unanswered = r.stdout.split('most frequent unanswered:')[1]!.trim().split('\n').map((l) => l.trim())
    // the three wordings of one question are counted together, the most frequent first
    expect(unanswered[0]).toMatch(/^3 +我的快递到哪了/)
    expect(unanswered[0]).toContain('我的快递到哪了呀')
    expect(unanswered[0]).toContain('我的快遞到哪了')
    expect(unanswered[1]).toMatch(/^1 +能开发票吗$/)
  })

  it('says which file it cannot read instead of crashing', async () => {
    const r = await run(['coverage', join(tmpdir(), 'no-such-chat-log.txt')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/cannot read .*no-such-chat-log\.txt: ENOENT/)
    expect(r.stderr).toBe('')
  })
})

describe('output into a pipe that closes early (#14)', () => {
  it('`check rules | head -1` prints one line and no EPIPE crash', async () => {
    const r = await new Promise<Run>((resolve) => {
      execFile('bash', ['-c', `"${process.execPath}" "${BIN}" check rules | head -1`], { cwd: ROOT, timeout: 15_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
      })
    })
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toContain('EPIPE')
    expect(r.stderr).toBe('')
  })
})
