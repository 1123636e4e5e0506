/** npm run bench: every benchmark in turn; copy the tables into docs/benchmarks.md. */
import { execFileSync } from 'node:child_process'

for (const script of ['bench/matcher/run.ts', 'bench/http/run.ts', 'bench/handoff/run.ts']) {
  process.stdout.write(`\n## ${script}\n\n`)
  execFileSync(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(2)], { stdio: 'inherit' })
}
