/**
 * npm run eval [-- --json] [--rules dir] [--file f.jsonl ...] [--mistakes] [--classifier on|off] [--typos on|off]
 * Answer quality on every labelled set in test/fixtures, each reported on its own: per intent, per kind
 * of wrong answer, per method, and the share of must-hand-off messages answered anyway.
 * sealed-*.jsonl are held-out reads: they are skipped (never opened) unless --file names them, so that
 * nobody tuning the rules sees their figures by accident. realistic/first-read.jsonl was the held-out read
 * until its first read was taken; it is now part of the development set and read like the others.
 */
import { readFile, readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRulesDir, formatProblem } from '../../src/rules/load.js'
import { buildEngine } from '../../src/engine/engine.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { fallbackSwitches, loadConfig } from '../../src/config.js'
import { evaluate, parseLabelled, type EvalReport } from '../../src/quality/evaluate.js'

export const isHeldOut = (name: string): boolean => /^sealed-.*\.jsonl$/.test(name)

const { values } = parseArgs({ options: {
  json: { type: 'boolean', default: false },
  rules: { type: 'string', default: 'rules' },
  file: { type: 'string', multiple: true },
  mistakes: { type: 'boolean', default: false },
  misses: { type: 'boolean', default: false },
  classifier: { type: 'string' },
  typos: { type: 'string' }
} })
const config = loadConfig()
const on = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === 'on' || v === 'true' || v === '1')
const { shops, problems } = await loadRulesDir(values.rules!)
if (problems.length > 0) { console.error(problems.map(formatProblem).join('\n')); process.exit(1) }
const engine = buildEngine(shops.get('default')!, on(values.classifier, config.CLASSIFIER) ? [classifierFallback()] : [], { typos: values.typos === undefined ? config.TYPOS : fallbackSwitches({ TYPOS: values.typos === 'on' ? 'all' : values.typos }).TYPOS })

async function labelledFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...await labelledFiles(path))
    else if (e.name.endsWith('.jsonl') && !isHeldOut(e.name)) out.push(path)
  }
  return out.sort()
}
const files = values.file ?? await labelledFiles('test/fixtures')

const pct = (n: number) => `${(100 * n).toFixed(1)}%`
const reports: Array<{ file: string; report: EvalReport }> = []
for (const file of files) reports.push({ file, report: evaluate(engine, parseLabelled(await readFile(file, 'utf8'))) })
if (values.json) { process.stdout.write(JSON.stringify(reports, null, 2) + '\n'); process.exit(0) }

const out: string[] = ['| set | messages | answerable | precision | coverage | must hand off | answered anyway | own case handed off |', '|---|---|---|---|---|---|---|---|']
for (const { file, report: { overall: o } } of reports) {
  out.push(`| ${basename(file)} | ${o.total} | ${o.answerable} | ${pct(o.precision)} | ${pct(o.coverage)} | ${o.mustHandOff} | ${o.wrongOnMustHandOff} (${pct(o.mustHandOff === 0 ? 0 : o.wrongOnMustHandOff / o.mustHandOff)}) | ${o.ownCase} |`)
}
for (const { file, report } of reports) {
  const o = report.overall
  out.push('', `## ${file}: ${o.total} messages`, '', '| intent | messages | answered ✓ | answered ✗ | handed off (miss) |', '|---|---|---|---|---|')
  for (const [intent, s] of Object.entries(report.perIntent).sort()) out.push(`| ${intent} | ${s.total} | ${s.correct} | ${s.wrong} | ${s.handedOff} |`)
  out.push(`| **all** | ${o.total} | ${o.correct} | ${o.wrong} | ${o.handedOff} |`, '',
    `precision (correct answers / answers): ${pct(o.precision)}   coverage (answered / answerable ${o.answerable}): ${pct(o.coverage)}   ` +
    `wrong answers on must-hand-off messages: ${o.wrongOnMustHandOff}/${o.mustHandOff} (${pct(o.mustHandOff === 0 ? 0 : o.wrongOnMustHandOff / o.mustHandOff)})`,
    'mistakes by kind: ' + Object.entries(report.byKind).map(([k, n]) => `${k} ${n}`).join(', '),
    'answers by method: ' + Object.entries(report.byMethod).map(([m, v]) => `${m} ${v.correct}✓/${v.wrong}✗`).join(', '))
  if ((values.mistakes || values.file) && report.mistakes.length > 0) {
    out.push('', 'mistakes (wrong answers, or a handoff with the wrong reason):')
    for (const m of report.mistakes) out.push(`  [${m.kind}] "${m.text}"  expected ${m.expected.join('+')}  got ${m.got.join('+')} ${m.rules.length ? `(${m.rules.join(', ')}; ${m.methods.join(', ')})` : ''}`)
  }
  if (values.misses && report.misses.length > 0) {
    out.push('', 'answerable messages handed off:')
    for (const m of report.misses) out.push(`  "${m.text}"  expected ${m.expected.join('+')}  handoff:${m.reason} ${m.rules.join(', ')}`)
  }
}
process.stdout.write(out.join('\n') + '\n')
