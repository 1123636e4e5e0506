/**
 * The top frames of a V8 .cpuprofile (from bench/http/run.ts --profile <dir>): self time per
 * function and per package, and inclusive time of the service's own functions, as shares of the
 * time the process was busy (idle left out).
 *   node --import tsx bench/http/cpu-top.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface Node { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } })
const top = Number(values.top)
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// time per sample: the delta to the next sample
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i + 1] ?? 0
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt)
})
const sampled = [...selfUs.values()].reduce((a, b) => a + b, 0)
const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0)
// shares are of the time the process was busy (sampled minus idle)
const total = sampled - idle

function where (f: CallFrame): string {
  const url = f.url.replace(/^file:\/\//, '')
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]!
  if (url.includes('/src/')) return `src/${url.split('/src/')[1]!.split('/')[0]}`
  if (url.includes('/bench/')) return 'bench'
  if (url.startsWith('node:')) return 'node'
  if (url === '') return f.functionName.startsWith('(') ? f.functionName : 'native/V8'
  return url
}
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${f.lineNumber + 1}` : ''}`.trim()

const selfByFrame = new Map<string, number>()
const selfByPkg = new Map<string, number>()
const inclusive = new Map<string, number>()
for (const [id, us] of selfUs) {
  const n = byId.get(id)!
  if (n.callFrame.functionName === '(idle)') continue
  const k = label(n.callFrame)
  selfByFrame.set(k, (selfByFrame.get(k) ?? 0) + us)
  const p = where(n.callFrame)
  selfByPkg.set(p, (selfByPkg.get(p) ?? 0) + us)
  // inclusive time: every distinct frame on the stack once
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!.callFrame
    const key = label(f)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + us)
  }
}

const share = (us: number) => `${((100 * us) / total).toFixed(1)}%`
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
const out: string[] = [`${(sampled / 1e6).toFixed(1)} s sampled, ${(total / 1e6).toFixed(1)} s busy; shares below are of the busy time`, '', '| self time | package |', '|---|---|']
for (const [k, v] of sorted(selfByPkg).slice(0, 15)) out.push(`| ${share(v)} | ${k} |`)
out.push('', '| self time | function |', '|---|---|')
for (const [k, v] of sorted(selfByFrame).slice(0, top)) out.push(`| ${share(v)} | \`${k}\` |`)
out.push('', '| inclusive | function (service code and the libraries it calls) |', '|---|---|')
for (const [k, v] of sorted(inclusive).filter(([k]) => /src\/|zod|fastify-type-provider|prom-client|structuredClone|serialize/i.test(k)).slice(0, top)) out.push(`| ${share(v)} | \`${k}\` |`)
process.stdout.write(out.join('\n') + '\n')
