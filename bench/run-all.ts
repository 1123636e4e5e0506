/**
 * npm run bench [-- --only matcher,http]: every benchmark in turn with the settings docs/benchmarks.md
 * records, each bounded to 3 minutes; the tables go to stdout, progress to stderr. A failing benchmark
 * does not stop the others; the exit code says whether any failed.
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const BENCHES: Record<string, string[]> = {
  matcher: ['bench/matcher/run.ts', '--seconds', '2'],
  http: ['bench/http/run.ts', '--seconds', '10'],
  handoff: ['bench/handoff/run.ts'],
  'handoff-floor': ['bench/handoff/floor.ts']
}
const { values } = parseArgs({ options: { only: { type: 'string' } } })
const names = values.only ? values.only.split(',') : Object.keys(BENCHES)
const TIMEOUT_MS = 180_000

let failed = 0
for (const name of names) {
  const args = BENCHES[name]
  if (!args) { process.stderr.write(`unknown benchmark "${name}" (${Object.keys(BENCHES).join(', ')})\n`); failed++; continue }
  process.stdout.write(`\n## ${name}: node --import tsx ${args.join(' ')}\n\n`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit', timeout: TIMEOUT_MS, killSignal: 'SIGTERM' })
  if (r.status !== 0) {
    failed++
    process.stderr.write(`${name}: ${r.error ? r.error.message : r.signal ? `stopped by ${r.signal}` : `exit ${r.status}`}\n`)
  }
}
process.exitCode = failed > 0 ? 1 : 0
