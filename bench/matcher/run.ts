/**
 * The pure matcher (normalise + automaton + regex set + decision) with 100, 1,000 and 10,000
 * generated rules on top of the demo shop, beside node-nlp (nlp.js, Chinese) trained on the demo
 * intents' examples, on the same labelled messages in the same run. Also both systems' precision
 * and coverage on test/fixtures/messages.jsonl.
 *   node --import tsx bench/matcher/run.ts [--seconds 2]
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'
import { loadRulesDir } from '../../src/rules/load.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'
import { decide } from '../../src/engine/decide.js'
import { pickFirst } from '../../src/engine/answer.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import type { Rule, ShopRules } from '../../src/rules/schema.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } })
const seconds = Number(values.seconds)
const NOW = Date.parse('2026-11-24T04:00:00Z')

interface Labelled { text: string; intents: string[] }
const fixtures: Labelled[] = (await readFile(new URL('../../test/fixtures/messages.jsonl', import.meta.url), 'utf8'))
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Labelled)
const texts = fixtures.map((f) => f.text)

const { shops } = await loadRulesDir(new URL('../../rules', import.meta.url).pathname)
const demo = shops.get('default')!

// Generated rules use rare characters so they add automaton states and regexes without
// changing what the demo rules answer.
const POOL = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥乾坤震巽坎离艮兑'
function generated (n: number): ShopRules {
  const extra: Array<Rule & { file: string; line: number }> = []
  let seed = 42
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  const word = (len: number) => Array.from({ length: len }, () => POOL[Math.floor(rnd() * POOL.length)]).join('')
  for (let i = 0; i < n; i++) {
    extra.push({
      id: `gen-${i}`, intent: `gen_${i % 50}`, keywords: [word(3), word(4), word(3)], all: [], not: [word(4)],
      regex: i % 20 === 0 ? [`${word(2)}[0-9]+${word(1)}`] : [], priority: 0, examples: [], not_examples: [],
      reply: `generated ${i}`, handoff: false, file: 'generated', line: i
    })
  }
  return { ...demo, rules: [...demo.rules, ...extra] }
}

function measure (fn: (text: string) => unknown): { perSec: number; p50us: number; p99us: number } {
  for (const t of texts) fn(t) // warm-up
  const samples: number[] = []
  const end = performance.now() + seconds * 1000
  let i = 0
  const started = performance.now()
  while (performance.now() < end) {
    const t0 = process.hrtime.bigint()
    fn(texts[i++ % texts.length]!)
    samples.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  const elapsed = (performance.now() - started) / 1000
  samples.sort((a, b) => a - b)
  return { perSec: samples.length / elapsed, p50us: samples[Math.floor(samples.length * 0.5)]!, p99us: samples[Math.floor(samples.length * 0.99)]! }
}

const ours = (engine: ShopEngine) => (text: string) => decide(engine, { type: 'text', text }, { lastSeenAt: NOW - 60_000 }, { now: NOW, pick: pickFirst })

// --- node-nlp, trained on the same examples ---
const require = createRequire(import.meta.url)
const { NlpManager } = require('node-nlp') as { NlpManager: new (o: object) => { addDocument (l: string, t: string, i: string): void; train (): Promise<void>; process (l: string, t: string): Promise<{ intent: string; score: number }> } }
const nlp = new NlpManager({ languages: ['zh'], forceNER: false, nlu: { log: false }, autoSave: false })
for (const e of [...demo.rules, ...demo.sizeCharts, ...demo.catalogs]) for (const ex of e.examples) nlp.addDocument('zh', ex, e.intent)
for (const k of demo.handoff.human_keywords) nlp.addDocument('zh', k, 'human_request')
for (const k of demo.handoff.escalate.keywords) nlp.addDocument('zh', k, 'complaint')
await nlp.train()
const nlpResults: Array<{ intent: string; score: number }> = []
async function measureNlp () {
  for (const t of texts) nlpResults.push(await nlp.process('zh', t))
  const samples: number[] = []
  const end = performance.now() + seconds * 1000
  const started = performance.now()
  let i = 0
  while (performance.now() < end) {
    const t0 = process.hrtime.bigint()
    await nlp.process('zh', texts[i++ % texts.length]!)
    samples.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  const elapsed = (performance.now() - started) / 1000
  samples.sort((a, b) => a - b)
  return { perSec: samples.length / elapsed, p50us: samples[Math.floor(samples.length * 0.5)]!, p99us: samples[Math.floor(samples.length * 0.99)]! }
}

// --- quality on the labelled set ---
const HANDOFF_LABELS = new Set(['none', 'human_request', 'complaint'])
function score (answers: Array<string[] | null>) {
  let answered = 0; let correct = 0; let answerable = 0
  fixtures.forEach((f, i) => {
    const got = answers[i]
    if (f.intents.some((x) => !HANDOFF_LABELS.has(x))) answerable++
    if (!got || got.length === 0) return
    answered++
    if (got.every((g) => f.intents.includes(g))) correct++
  })
  return { precision: correct / Math.max(1, answered), coverage: answered / Math.max(1, answerable) }
}
const demoEngine = buildEngine(demo, [classifierFallback()])
const oursQuality = score(texts.map((t) => {
  const d = ours(demoEngine)(t)
  return d.action === 'reply' ? d.matched.map((m) => m.intent) : null
}))

const rows: string[] = ['| system | rules | msgs/s | p50 µs | p99 µs |', '|---|---|---|---|---|']
const fmt = (r: { perSec: number; p50us: number; p99us: number }) => `${Math.round(r.perSec).toLocaleString('en')} | ${r.p50us.toFixed(1)} | ${r.p99us.toFixed(1)}`
const base = measure(ours(demoEngine))
rows.push(`| shop-autoreply (demo) | ${demo.rules.length + demo.sizeCharts.length + demo.catalogs.length} | ${fmt(base)} |`)
for (const n of [100, 1000, 10000]) {
  const t0 = performance.now()
  const engine = buildEngine(generated(n))
  const build = performance.now() - t0
  rows.push(`| shop-autoreply (+${n.toLocaleString('en')} generated, built in ${build.toFixed(0)} ms) | ${engine.compiled.entries.length} | ${fmt(measure(ours(engine)))} |`)
}
const n = await measureNlp()
rows.push(`| node-nlp 4 (zh), same demo examples | — | ${fmt(n)} |`)
rows.push('', `Throughput ratio, shop-autoreply (demo) / node-nlp: **${(base.perSec / n.perSec).toFixed(1)}×**`, '')

const NLP_THRESHOLD = 0.5
const nlpQuality = score(nlpResults.map((r) => (r.intent === 'None' || r.score < NLP_THRESHOLD || HANDOFF_LABELS.has(r.intent) ? null : [r.intent])))
rows.push(`Quality on ${fixtures.length} labelled messages (test/fixtures/messages.jsonl):`, '',
  '| system | precision (correct / answered) | coverage (answered / answerable) |', '|---|---|---|',
  `| shop-autoreply | ${(100 * oursQuality.precision).toFixed(1)}% | ${(100 * oursQuality.coverage).toFixed(1)}% |`,
  `| node-nlp (answers when score ≥ ${NLP_THRESHOLD}) | ${(100 * nlpQuality.precision).toFixed(1)}% | ${(100 * nlpQuality.coverage).toFixed(1)}% |`)
process.stdout.write(rows.join('\n') + '\n')
