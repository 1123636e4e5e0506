/**
 * Ordinary requests while a large rule set reloads (issue #14, item 3: "p99 of ordinary requests
 * during a large reload stays within 2× of before"), on the service as deployed: a child process
 * (embedded store, the classifier on so that its training is part of the reload) serving two shops,
 * `demo` (a copy of rules/) and `big` (rules × keywords generated as in reload-stall.ts). Messages to
 * `demo` every 10 ms for a quiet window, then the same while `big` is edited and reloaded (SIGHUP);
 * latency percentiles of both windows and the service's event-loop delay (its /metrics).
 *   node --import tsx bench/reliability/reload-stall-http.ts [rules=2000] [keywords=20]
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const rules = Number(process.argv[2] ?? 2000)
const keywords = Number(process.argv[3] ?? 20)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

const han = (i: number) => String.fromCodePoint(0x4e00 + (i * 7919) % 20000)
const word = (i: number) => han(i) + han(i + 1) + han(i + 2)
const bigYaml = (version: number) => {
  let yaml = 'rules:\n'
  for (let r = 0; r < rules; r++) {
    const kws = Array.from({ length: keywords }, (_, k) => word(r * keywords + k))
    yaml += `  - id: r${r}\n    intent: i${r % 50}\n    keywords: [${kws.join(', ')}]\n    examples: [${kws[0]}吗]\n    reply: 回复${r}${r === 0 ? ` v${version}` : ''}\n`
  }
  return yaml
}
const dir = mkdtempSync(join(tmpdir(), 'stall-http-'))
cpSync(join(ROOT, 'rules'), join(dir, 'demo'), { recursive: true })
mkdirSync(join(dir, 'big'))
writeFileSync(join(dir, 'big', 'big.yaml'), bigYaml(0))

const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', RULES_DIR: dir, RULES_WATCH: 'false', CLASSIFIER: 'true', LOG_LEVEL: 'info', NODE_ENV: 'development' },
  stdio: ['ignore', 'pipe', 'pipe']
})
let out = ''
let url = ''
const onData = (b: Buffer) => { out += b.toString('utf8'); url ||= /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '' }
proc.stdout.on('data', onData)
proc.stderr.on('data', onData)
const fail = (why: string): never => { proc.kill('SIGKILL'); console.error(`${why}\n${out.slice(-2000)}`); process.exit(1) }
proc.once('exit', () => { if (!done) fail('the service exited') })
let done = false

async function until (what: string, fn: () => Promise<boolean>, boundMs = 300_000): Promise<void> {
  const end = performance.now() + boundMs
  while (!(await fn().catch(() => false))) {
    if (performance.now() > end) fail(`no ${what} within ${boundMs} ms`)
    await sleep(50)
  }
}
const status = async () => (await (await fetch(`${url}/v1/rules/status`)).json()) as { reloads: number; checked?: number; lastReload: { ok: boolean; durationMs: number } }
await until('ready', async () => url !== '' && (await fetch(`${url}/readyz`)).status === 200)
// the start-up check of the examples (in the worker, where it exists) must not overlap the windows
await until('the start-up check', async () => { const s = await status(); return s.checked === undefined || s.checked >= 2 })
await sleep(1000)

let seq = 0
const texts = ['包邮吗', '不合适可以退吗', '999是什么颜色', '我身高165体重110斤穿什么码', '我的快递到哪了']
async function traffic (during: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = []
  let stop = false
  const sender = (async () => {
    while (!stop) {
      const t = performance.now()
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shopId: 'demo', messageId: `m-${++seq}`, conversationId: `c-${seq}`, buyerId: `b-${seq}`, text: texts[seq % texts.length] })
      })
      await res.arrayBuffer()
      latencies.push(performance.now() - t)
      await sleep(Math.max(0, 10 - (performance.now() - t)))
    }
  })()
  await during()
  stop = true
  await sender
  return latencies
}
const lagMax = async () => Number(/^autoreply_process_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN) * 1000

await lagMax()
const quiet = await traffic(() => sleep(5000))
const lagQuiet = await lagMax()
const before = (await status()).reloads
let reload = { ok: false, durationMs: 0 }
const during = await traffic(async () => {
  writeFileSync(join(dir, 'big', 'big.yaml'), bigYaml(1))
  proc.kill('SIGHUP')
  await until('the reload', async () => { const s = await status(); reload = s.lastReload; return s.reloads > before })
})
const lagDuring = await lagMax()

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]! }
const f = (x: number) => x.toFixed(1)
const line = (name: string, xs: number[], lag: number) => `${name}  p50 ${f(pct(xs, 0.5))} ms  p99 ${f(pct(xs, 0.99))} ms  max ${f(Math.max(...xs))} ms  (${xs.length} requests; event-loop max ${f(lag)} ms)`
console.log(`${rules} rules × ${keywords} keywords reloaded beside the demo shop; node ${process.version}`)
console.log(line('quiet          ', quiet, lagQuiet))
console.log(line('during reload  ', during, lagDuring))
console.log(`reload ${reload.ok ? 'ok' : 'REJECTED'} in ${reload.durationMs} ms; p99 during / quiet = ${(pct(during, 0.99) / pct(quiet, 0.99)).toFixed(2)}`)
done = true
proc.kill('SIGTERM')
await new Promise((r) => proc.once('exit', r))
rmSync(dir, { recursive: true, force: true })
