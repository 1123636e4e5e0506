/**
 * Many shops on one instance (issue #13, item 6): N copies of rules/ as shop folders, the service
 * started as a child process on them (embedded store, file watching on, as deployed), then
 *   - time to ready: spawn → /readyz 200 listing all N shops;
 *   - RSS when ready, and once the start-up check of every shop's examples (in the reload worker) is done;
 *   - every shop's first message (shops of the first load compile on it), and RSS once all have answered;
 *   - one shop's reload among N: an operator's save to shop-(N/2) → its new reply served, while
 *     ordinary messages to another shop arrive every 10 ms (their latency, and the service's own
 *     event-loop delay from /metrics, before and during the reload).
 *
 *   node --import tsx bench/shops/run.ts [shops=1000] [copies|distinct]
 *
 * `copies`: the folders are the demo shop as shipped (what sharing saves best). `distinct`: every file
 * of every shop differs (a comment naming the shop) and each shop has a keyword of its own, so no
 * parsed file and no automaton is shared: the worst case for a provider whose shops all differ.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const N = Number(process.argv[2] ?? 1000)
const MODE = (process.argv[3] ?? 'copies') as 'copies' | 'distinct'
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

const files = readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.yaml'))
function shopsDir (n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-shops-'))
  for (let i = 0; i < n; i++) addShop(dir, i)
  return dir
}
function addShop (dir: string, i: number): void {
  const shop = join(dir, `shop-${i}`)
  cpSync(join(ROOT, 'rules'), shop, { recursive: true })
  if (MODE === 'distinct') {
    for (const f of files) {
      let text = `# shop-${i}\n${readFileSync(join(shop, f), 'utf8')}`
      if (f === 'greeting.yaml') text = text.replace('keywords: [', `keywords: [小店${i}号, `)
      writeFileSync(join(shop, f), text)
    }
  }
}

// the service with one shop: what the process costs before any shop is added
const baseRss = await (async () => {
  const one = shopsDir(1)
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', RULES_DIR: one, RULES_WATCH: 'true', CLASSIFIER: 'false', LOG_LEVEL: 'info', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'ignore']
  })
  let log = ''
  const u = await new Promise<string>((resolve) => p.stdout.on('data', (b: Buffer) => { log += b.toString('utf8'); const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log); if (m) resolve(m[1]!) }))
  for (let i = 0; i < 500; i++) { if ((await fetch(`${u}/readyz`)).status === 200) break; await sleep(20) }
  await sleep(3000) // the start-up check of the one shop
  const rss = Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))![1]) / 1024)
  p.kill('SIGTERM')
  await new Promise((r) => p.once('exit', r))
  rmSync(one, { recursive: true, force: true })
  return rss
})()

const dir = shopsDir(N)

const started = performance.now()
const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', RULES_DIR: dir, RULES_WATCH: 'true', CLASSIFIER: 'false', LOG_LEVEL: 'info', NODE_ENV: 'development' },
  stdio: ['ignore', 'pipe', 'pipe']
})
let out = ''
let url = ''
const onData = (b: Buffer) => {
  out += b.toString('utf8')
  url ||= /http:\/\/127\.0\.0\.1:\d+/.exec(out.split('\n').find((l) => l.includes('Server listening')) ?? '')?.[0] ?? ''
}
proc.stdout.on('data', onData)
proc.stderr.on('data', onData)
let exited = false
proc.once('exit', () => { exited = true })

const fail = (why: string): never => {
  proc.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  console.error(`${why}\n${out.slice(-3000)}`)
  process.exit(1)
}
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024)
const peakMb = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024)

async function until<T> (what: string, fn: () => Promise<T | undefined>, boundMs = 180_000): Promise<T> {
  const end = performance.now() + boundMs
  for (;;) {
    if (exited) fail(`the service exited while waiting for ${what}`)
    const v = await fn().catch(() => undefined)
    if (v !== undefined) return v
    if (performance.now() > end) fail(`no ${what} within ${boundMs} ms`)
    await sleep(20)
  }
}

await until('ready', async () => {
  if (!url) return undefined
  const res = await fetch(`${url}/readyz`)
  if (res.status !== 200) return undefined
  const body = await res.json() as { rules: { shops: string[] } }
  return body.rules.shops.length === N ? true : undefined
})
const readyMs = performance.now() - started
const readyRss = rssMb()
const checkedAt = await until('the start-up check of every shop', async () => {
  const s = await (await fetch(`${url}/v1/rules/status`)).json() as { checked?: number }
  // a service without the start-up check (before it existed) checked everything before ready
  return s.checked === undefined || s.checked >= N ? performance.now() : undefined
}, 600_000)
await sleep(500)
const settledRss = rssMb()

let seq = 0
const message = async (shopId: string, text: string): Promise<{ ms: number; replies: string[] }> => {
  const t = performance.now()
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shopId, messageId: `m-${++seq}`, conversationId: `c-${seq}`, buyerId: `b-${seq}`, text })
  })
  const body = await res.json() as { replies?: Array<{ text: string }> }
  return { ms: performance.now() - t, replies: (body.replies ?? []).map((r) => r.text) }
}
const lagMax = async () => Number(/^autoreply_process_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN) * 1000

/** ordinary traffic to another shop, every 10 ms, while `during` runs */
async function traffic (during: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = []
  let done = false
  const sender = (async () => {
    while (!done) {
      const tick = performance.now()
      latencies.push((await message('shop-1', '包邮吗')).ms)
      await sleep(Math.max(0, 10 - (performance.now() - tick)))
    }
  })()
  await during()
  done = true
  await sender
  return latencies
}
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN }

const target = `shop-${Math.floor(N / 2)}`
const marker = `亲，${target} 的新退货说明~`
await lagMax() // resets the event-loop histogram
const before = await traffic(() => sleep(3000))
const lagBefore = await lagMax()
let reloadMs = 0
const during = await traffic(async () => {
  const file = join(dir, target, 'return-policy.yaml')
  const text = readFileSync(file, 'utf8')
  const edited = text.replace(/reply: (亲，本店支持7天无理由退换货[^\n]*)/, `reply: ${marker}`)
  if (edited === text) fail('return-policy.yaml changed: the reply to edit was not found')
  const t = performance.now()
  writeFileSync(file, edited)
  await until('the edited reply', async () => ((await message(target, '不合适可以退吗')).replies.some((r) => r.includes(marker)) ? true : undefined), 60_000)
  reloadMs = performance.now() - t
  await sleep(500)
})
const lagDuring = await lagMax()
const last = (await (await fetch(`${url}/v1/rules/status`)).json() as { lastReload: { durationMs: number; changed?: string[] } }).lastReload

// every shop's first message (a shop of the first load compiles on it), then what the process holds
// once every shop has answered: the RSS a provider pays when all its shops are busy
const firsts: number[] = []
for (let i = 0; i < N; i++) {
  const r = await message(`shop-${i}`, '包邮吗')
  if (r.replies.length === 0) fail(`shop-${i} did not answer its first message`)
  firsts.push(r.ms)
}
await sleep(500)
const allRss = rssMb()
// the reload worker stops after a minute idle (src/engine/reload-client.ts): what is left then
await sleep(65_000)
const idleRss = rssMb()

const f = (x: number) => x.toFixed(1)
console.log(`${N} shops (${MODE}), ${files.length} files each; node ${process.version}`)
console.log(`ready (/readyz 200, all shops):   ${(readyMs / 1000).toFixed(2)} s`)
console.log(`examples checked (worker):        ${((checkedAt - started) / 1000).toFixed(2)} s after spawn`)
const perShop = (rss: number) => f((rss - baseRss) / (N - 1) * 1024)
console.log(`RSS when ready:                   ${readyRss} MB (one shop: ${baseRss} MB; ${perShop(readyRss)} KB per further shop)`)
console.log(`RSS once checked:                 ${settledRss} MB (${perShop(settledRss)} KB per further shop), peak ${peakMb()} MB`)
console.log(`one shop's reload (save → served): ${Math.round(reloadMs)} ms (the reload itself ${last.durationMs} ms, recompiled: ${last.changed?.join(', ') ?? 'all'}; the watcher waits ~230 ms for the save to settle)`)
console.log(`other shop's messages, before:    p50 ${f(pct(before, 0.5))} ms, p99 ${f(pct(before, 0.99))} ms, max ${f(Math.max(...before))} ms (${before.length}); event-loop max ${f(lagBefore)} ms`)
console.log(`                 during reload:   p50 ${f(pct(during, 0.5))} ms, p99 ${f(pct(during, 0.99))} ms, max ${f(Math.max(...during))} ms (${during.length}); event-loop max ${f(lagDuring)} ms`)
console.log(`every shop's first message:       p50 ${f(pct(firsts, 0.5))} ms, p99 ${f(pct(firsts, 0.99))} ms, max ${f(Math.max(...firsts))} ms (${firsts.length}, one after another)`)
console.log(`RSS once every shop answered:     ${allRss} MB (${perShop(allRss)} KB per further shop), peak ${peakMb()} MB`)
console.log(`… a minute later (worker stopped): ${idleRss} MB (${perShop(idleRss)} KB per further shop)`)
proc.kill('SIGTERM')
await new Promise((r) => proc.once('exit', r))
rmSync(dir, { recursive: true, force: true })
