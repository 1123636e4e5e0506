/**
 * decide() per message without the neighbours' noise: every message of test/fixtures/messages.jsonl run
 * `--runs` times in rounds, and its fastest time kept; the mean, p50, p99 and max of those. On a shared
 * machine a per-call p99 is mostly other processes' time slices; the fastest of 30 is the matcher's own.
 * `--root` imports src/ and rules/ of another checkout (a commit before a change), so two trees can be
 * compared on this machine, one after the other:
 * `--nlp` measures node-nlp (trained as bench/matcher/run.ts's baseline A) the same way, awaited per call.
 *   node --import tsx bench/matcher/best-of.ts [--runs 30] [--typos latin|all|off] [--root <checkout>] [--top 10] [--nlp]
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '30' }, typos: { type: 'string' }, root: { type: 'string' }, top: { type: 'string', default: '0' },
  nlp: { type: 'boolean', default: false }
} })
const here = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const root = resolve(values.root ?? here)
const load = (path: string) => import(pathToFileURL(join(root, path)).href)
const { loadRulesDir } = await load('src/rules/load.ts')
const { buildEngine } = await load('src/engine/engine.ts')
const { decide } = await load('src/engine/decide.ts')
const { pickFirst } = await load('src/engine/answer.ts')
const { shops } = await loadRulesDir(join(root, 'rules'))
// older trees took TYPOS as a boolean: pass the mode only when asked
const engine = buildEngine(shops.get('default'), [], values.typos === undefined ? {} : { typos: values.typos })
const texts = readFileSync(join(here, 'test/fixtures/messages.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text)
const NOW = Date.parse('2026-11-24T04:00:00Z')
const run = (text: string) => decide(engine, { type: 'text', text }, { lastSeenAt: NOW - 60_000 }, { now: NOW, pick: pickFirst })

/** The fastest time of each message over the rounds, in µs. */
async function fastest (fn: (text: string) => unknown): Promise<number[]> {
  const warm = performance.now() + 2000
  while (performance.now() < warm) for (const t of texts) { const r = fn(t); if (r instanceof Promise) await r }
  const best = texts.map(() => Infinity)
  const REPEAT = 5
  for (let r = 0; r < Number(values.runs); r++) {
    for (const [i, t] of texts.entries()) {
      const t0 = performance.now()
      // only node-nlp's calls are awaited: an await of decide()'s plain result would add a microtask to it
      for (let k = 0; k < REPEAT; k++) { const r = fn(t); if (r instanceof Promise) await r }
      best[i] = Math.min(best[i]!, ((performance.now() - t0) * 1000) / REPEAT)
    }
  }
  return best
}

const us = (x: number) => x.toFixed(1)
function report (name: string, best: number[]): number {
  const sorted = [...best].sort((a, b) => a - b)
  const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * x))]!
  const mean = best.reduce((a, b) => a + b, 0) / best.length
  process.stdout.write(`${name}: per message, fastest of ${values.runs} × 5 runs, ${texts.length} messages: mean ${us(mean)} µs, p50 ${us(q(0.5))}, p99 ${us(q(0.99))}, max ${us(sorted.at(-1)!)}\n`)
  return mean
}

const ours = await fastest(run)
const mean = report(`decide(), ${root === here ? 'this checkout' : root}${values.typos ? `, TYPOS=${values.typos}` : ''}`, ours)
for (const [b, i] of ours.map((b, i) => [b, i] as const).sort((a, b) => b[0] - a[0]).slice(0, Number(values.top))) process.stdout.write(`  ${us(b)} µs  ${JSON.stringify(texts[i])}\n`)

if (values.nlp) {
  type Nlp = { addDocument (l: string, t: string, i: string): void; train (): Promise<void>; process (l: string, t: string): Promise<unknown> }
  const { NlpManager } = createRequire(import.meta.url)('node-nlp') as { NlpManager: new (o: object) => Nlp }
  const demo = shops.get('default') as { rules: Array<{ examples: string[]; intent: string }>; sizeCharts: Array<{ examples: string[]; intent: string }>; catalogs: Array<{ examples: string[]; intent: string }>; handoff: { human_keywords: string[]; escalate: { keywords: string[] } } }
  const nlp = new NlpManager({ languages: ['zh'], forceNER: false, nlu: { log: false }, autoSave: false })
  for (const e of [...demo.rules, ...demo.sizeCharts, ...demo.catalogs]) for (const ex of e.examples) nlp.addDocument('zh', ex, e.intent)
  for (const k of demo.handoff.human_keywords) nlp.addDocument('zh', k, 'human_request')
  for (const k of demo.handoff.escalate.keywords) nlp.addDocument('zh', k, 'complaint')
  // @nlpjs/lang-zh prints "Compiling dictionary" on stdout
  const log = console.log
  console.log = () => {}
  try { await nlp.train() } finally { console.log = log }
  const theirs = report('node-nlp (A: examples)', await fastest((t) => nlp.process('zh', t)))
  process.stdout.write(`node-nlp's mean / decide()'s mean: ${(theirs / mean).toFixed(1)}×\n`)
}
