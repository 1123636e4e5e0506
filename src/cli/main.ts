/**
 * The operators' command line: check rule files, try a message, measure a chat log.
 *   shop-autoreply check [dir]
 *   shop-autoreply test "文本" [--dir rules] [--shop default] [--returning]
 *   shop-autoreply coverage chats.txt|chats.jsonl [--dir rules] [--shop default]
 */
import { Command, InvalidArgumentError } from 'commander'
import { readFile } from 'node:fs/promises'
import { loadRulesDir, formatProblem, DEFAULT_SHOP } from '../rules/load.js'
import { buildEngine, type ShopEngine } from '../engine/engine.js'
import { checkEngine } from '../engine/check.js'
import { placeholderProblems } from '../rules/placeholders.js'
import { explain } from '../engine/explain.js'
import { decide } from '../engine/decide.js'
import { pickFirst } from '../engine/answer.js'
import { matchKey } from '../matching/normalise.js'
import { mergeNearDuplicates } from '../analytics/near-duplicates.js'
import { classifierFallback } from '../matching/classifier.js'
import { fallbackSwitches } from '../config.js'

const out = (s = ''): void => { process.stdout.write(s + '\n') }
// `check rules | head`: the reader has gone and has all it wanted; stop quietly instead of
// crashing with an unhandled EPIPE on the next write
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

/** A failure already explained to the operator: exit 1 without a stack trace. */
class Failed extends Error {}

function fail (message: string): never {
  out(message)
  throw new Failed(message)
}

async function engines (dir: string): Promise<Map<string, ShopEngine>> {
  const { shops, problems } = await loadRulesDir(dir)
  if (problems.length > 0) fail([`✗ ${problems.length} problem(s) in ${dir}:`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n'))
  // the engine the server would run with this environment (CLASSIFIER, TYPOS), so `test` and `check` agree with it
  const { CLASSIFIER, TYPOS } = fallbackSwitches()
  return new Map([...shops].map(([id, r]) => [id, buildEngine(r, CLASSIFIER ? [classifierFallback()] : [], { typos: TYPOS })]))
}

async function engineOf (dir: string, shop: string): Promise<ShopEngine> {
  const all = await engines(dir)
  const e = all.get(shop)
  if (!e) fail(`✗ no shop "${shop}" in ${dir} (shops: ${[...all.keys()].join(', ')})`)
  return e
}

function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}

const program = new Command('shop-autoreply').description('Operator tools for shop-autoreply rule files')

program.command('check').argument('[dir]', 'rules directory', process.env.RULES_DIR ?? './rules')
  .description('validate the rule files, run every example and not_example, report conflicts')
  .option('--quiet', 'print failures only, not conflicts')
  .action(async (dir: string, opts: { quiet?: boolean }) => {
    let failed = 0
    for (const [shopId, engine] of await engines(dir)) {
      const r = checkEngine(engine)
      failed += r.failures.length
      out(`${r.failures.length === 0 ? '✓' : '✗'} shop ${shopId}: ${engine.rules.files.length} file(s), ${engine.compiled.entries.length} rule(s), ${r.examples} example(s), ${r.failures.length} failing`)
      for (const f of r.failures) {
        out(`  ${f.file}:${f.line} [${f.ruleId}] ${f.kind === 'example' ? 'example does not fire the rule' : 'not_example fires the rule'}: "${f.text}" → ${f.got}`)
      }
      // the service rejects a reload with these too (src/engine/registry.ts)
      const placeholders = placeholderProblems(engine.rules)
      failed += placeholders.length
      for (const p of placeholders) out(`  ${formatProblem(p)}`)
      if (!opts.quiet && r.conflicts.length > 0) {
        out(`  ${r.conflicts.length} conflict(s) worth a look:`)
        for (const c of r.conflicts) out(`  ! ${c.file}:${c.line} [${c.ruleId}] ${c.detail}`)
      }
    }
    // exitCode, not exit(): on macOS a pipe (check | less) is written asynchronously and exit() cuts it off
    if (failed > 0) process.exitCode = 1
  })

program.command('test').argument('<text>', 'a buyer message')
  .description('what the bot would answer, and why')
  .option('--dir <dir>', 'rules directory', process.env.RULES_DIR ?? './rules')
  .option('--shop <shop>', 'shop id', DEFAULT_SHOP)
  .option('--returning', 'the buyer was seen before (not first contact)')
  .option('--json', 'print JSON')
  .action(async (text: string, opts: { dir: string; shop: string; returning?: boolean; json?: boolean }) => {
    const now = Date.now()
    const x = explain(await engineOf(opts.dir, opts.shop), text, opts.returning ? { lastSeenAt: now - 60_000 } : {}, now)
    if (opts.json) { out(JSON.stringify(x, null, 2)); return }
    out(`message:    ${text}`)
    out(`normalised: ${x.normalised}`)
    out(`clauses:    ${x.clauses.map((c) => `${c.text} [${c.act}${c.marker ? ` ${c.marker}` : ''}${c.otherTopic ? `, about ${c.otherTopic}` : ''}${c.aside ? `, aside ${c.aside}` : ''}]`).join(' | ')}`)
    out(`action:     ${x.decision.action}${x.decision.handoff ? ` (${x.decision.handoff.reason}, ${x.decision.handoff.priority})` : ''}`)
    for (const r of x.decision.replies) out(`reply:      ${r}`)
    for (const c of x.considered) out(`  ${c.verdict.padEnd(10)} ${c.ruleId} (${c.intent}) ${c.file}:${c.line} — ${c.why}`)
    if (x.considered.length === 0) out('  no rule fired')
  })

program.command('coverage').argument('<file>', 'buyer messages: one per line, or JSONL with a "text" field')
  .description('share of a chat log answered per intent, and the most frequent unanswered questions')
  .option('--dir <dir>', 'rules directory', process.env.RULES_DIR ?? './rules')
  .option('--shop <shop>', 'shop id', DEFAULT_SHOP)
  .option('--top <n>', 'how many unanswered questions to list', positiveInt, 20)
  .action(async (file: string, opts: { dir: string; shop: string; top: number }) => {
    const engine = await engineOf(opts.dir, opts.shop)
    let log: string
    try {
      log = await readFile(file, 'utf8')
    } catch (err) {
      fail(`✗ cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const texts = log.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      if (!l.startsWith('{')) return l
      try { return String((JSON.parse(l) as { text?: unknown }).text ?? '') } catch { return l }
    }).filter(Boolean)
    const now = Date.parse('2026-11-24T04:00:00Z')
    const perIntent = new Map<string, number>()
    const reasons = new Map<string, number>()
    const unanswered = new Map<string, { count: number; examples: string[] }>()
    for (const text of texts) {
      const d = decide(engine, { type: 'text', text }, { lastSeenAt: now - 60_000 }, { now, pick: pickFirst })
      if (d.action === 'reply') for (const m of d.matched) perIntent.set(m.intent, (perIntent.get(m.intent) ?? 0) + 1)
      else {
        reasons.set(d.handoff?.reason ?? d.action, (reasons.get(d.handoff?.reason ?? d.action) ?? 0) + 1)
        if (d.unmatched) {
          const k = matchKey(text)
          const u = unanswered.get(k) ?? { count: 0, examples: [] }
          u.count++
          if (u.examples.length < 3) u.examples.push(text)
          unanswered.set(k, u)
        }
      }
    }
    const answered = texts.length - [...reasons.values()].reduce((a, b) => a + b, 0)
    const pct = (n: number) => `${((100 * n) / Math.max(1, texts.length)).toFixed(1)}%`
    out(`${texts.length} messages: ${answered} answered (${pct(answered)}), ${texts.length - answered} handed off`)
    for (const [intent, n] of [...perIntent].sort((a, b) => b[1] - a[1])) out(`  answered  ${intent.padEnd(16)} ${String(n).padStart(5)}  ${pct(n)}`)
    for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) out(`  handoff   ${reason.padEnd(16)} ${String(n).padStart(5)}  ${pct(n)}`)
    out('\nmost frequent unanswered:')
    const merged = mergeNearDuplicates([...unanswered].map(([key, v]) => ({ key, ...v })), opts.top)
    for (const q of merged) {
      // the other wordings are what an operator adds as keywords or examples
      const others = q.examples.filter((e) => e !== q.text)
      out(`  ${String(q.count).padStart(4)}  ${q.text}${others.length > 0 ? `  (also: ${others.join(' / ')})` : ''}`)
    }
  })

try {
  await program.parseAsync()
} catch (err) {
  if (!(err instanceof Failed)) throw err
  process.exitCode = 1
}
