/**
 * npm run eval [-- --json] [--rules dir] [--file test/fixtures/messages.jsonl]
 * Answer quality per intent on the labelled buyer messages.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { loadRulesDir, formatProblem } from '../../src/rules/load.js'
import { buildEngine } from '../../src/engine/engine.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { evaluate, parseLabelled } from '../../src/quality/evaluate.js'

const { values } = parseArgs({ options: {
  json: { type: 'boolean', default: false },
  rules: { type: 'string', default: 'rules' },
  file: { type: 'string', default: 'test/fixtures/messages.jsonl' }
} })
const { shops, problems } = await loadRulesDir(values.rules!)
if (problems.length > 0) { console.error(problems.map(formatProblem).join('\n')); process.exit(1) }
const engine = buildEngine(shops.get('default')!, [classifierFallback()])
const report = evaluate(engine, parseLabelled(await readFile(values.file!, 'utf8')))
if (values.json) { process.stdout.write(JSON.stringify(report, null, 2) + '\n'); process.exit(0) }

const pct = (n: number) => `${(100 * n).toFixed(1)}%`
const out: string[] = [`${report.overall.total} labelled messages (${values.file})`, '',
  '| intent | messages | answered ✓ | answered ✗ | handed off (miss) |', '|---|---|---|---|---|']
for (const [intent, s] of Object.entries(report.perIntent).sort()) out.push(`| ${intent} | ${s.total} | ${s.correct} | ${s.wrong} | ${s.handedOff} |`)
const o = report.overall
out.push(`| **all** | ${o.total} | ${o.correct} | ${o.wrong} | ${o.handedOff} |`, '',
  `precision (correct answers / answers): ${pct(o.precision)}   coverage (answered / answerable ${o.answerable}): ${pct(o.coverage)}`, '',
  'by method: ' + Object.entries(report.byMethod).map(([m, v]) => `${m} ${v.correct}✓/${v.wrong}✗`).join(', '))
if (report.mistakes.length > 0) {
  out.push('', 'mistakes (wrong answers, or a handoff with the wrong reason):')
  for (const m of report.mistakes) out.push(`  "${m.text}"  expected ${m.expected.join('+')}  got ${m.got.join('+')} ${m.rules.length ? `(${m.rules.join(', ')}; ${m.methods.join(', ')})` : ''}`)
}
process.stdout.write(out.join('\n') + '\n')
