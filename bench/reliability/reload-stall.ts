/**
 * How long a reload of a large rule set blocks the event loop (issue #14, item 3): the longest
 * event-loop delay while the registry reloads, validation in place vs in the reload worker.
 *   node --import tsx bench/reliability/reload-stall.ts [rules=2000] [keywords=20]
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RuleRegistry } from '../../src/engine/registry.js'
import { classifierFallback } from '../../src/matching/classifier.js'

const rules = Number(process.argv[2] ?? 2000)
const keywords = Number(process.argv[3] ?? 20)
const han = (i: number) => String.fromCodePoint(0x4e00 + (i * 7919) % 20000)
const word = (i: number) => han(i) + han(i + 1) + han(i + 2)
let yaml = 'rules:\n'
for (let r = 0; r < rules; r++) {
  const kws = Array.from({ length: keywords }, (_, k) => word(r * keywords + k))
  yaml += `  - id: r${r}\n    intent: i${r % 50}\n    keywords: [${kws.join(', ')}]\n    examples: [${kws[0]}吗]\n    reply: 回复${r}\n`
}
const dir = mkdtempSync(join(tmpdir(), 'stall-'))
writeFileSync(join(dir, 'big.yaml'), yaml)

async function measure (worker: boolean): Promise<{ maxMs: number; totalMs: number }> {
  const registry = new RuleRegistry(dir, [classifierFallback()], undefined, worker ? { worker: { classifier: true } } : {})
  writeFileSync(join(dir, 'big.yaml'), yaml)
  await registry.reload() // the first load; the measured one is the reload an operator triggers
  // an operator's edit: a reload of unchanged files compiles nothing (only changed shops are compiled)
  writeFileSync(join(dir, 'big.yaml'), yaml.replace('reply: 回复0\n', `reply: 回复0 ${worker ? 'w' : 'p'}\n`))
  // the longest gap between ticks of a 5 ms interval: what a request arriving then waits extra
  let last = performance.now()
  let maxGap = 0
  const tick = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now }, 5)
  const t = Date.now()
  const s = await registry.reload()
  const totalMs = Date.now() - t
  await new Promise((r) => setTimeout(r, 20))
  clearInterval(tick)
  await registry.close()
  if (!s.ok) throw new Error('reload rejected')
  return { maxMs: Math.round(maxGap), totalMs }
}

console.log(`${rules} rules × ${keywords} keywords, ${(yaml.length / 1024).toFixed(0)} KB`)
console.log('in place   ', await measure(false))
console.log('in worker  ', await measure(true))
rmSync(dir, { recursive: true, force: true })
