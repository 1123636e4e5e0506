/**
 * HTTP throughput and latency of POST /v1/messages beside a bare Fastify route returning a constant
 * JSON body, in the same run, measured the same way:
 *   - every target (bare route, service on the embedded store, service on Redis) runs alone in a fresh
 *     process of its own (bench/http/server.ts), listening on 127.0.0.1 only;
 *   - the load comes from another process (bench/http/load.ts), never from the server's event loop;
 *   - saturating runs (autocannon, --connections) go round by round, the order reversed every round
 *     (bare, embedded, redis, then redis, embedded, bare), each after a 2 s warm-up; the ratio to the
 *     bare route is taken within a round, so a noisy machine moves both sides of it;
 *   - then a steady --rate requests/s (open loop, latency from when each request was due) on each target.
 * Redis mode runs when a Redis answers at REDIS_URL (default redis://127.0.0.1:6379); its keys live under
 * a fresh bench:<uuid>: prefix and are deleted at the end, also on failure or Ctrl-C.
 *   node --import tsx bench/http/run.ts [--seconds 10] [--connections 50] [--rate 1000] [--rounds 2]
 *        [--targets bare,embedded,redis] [--profile <dir>]   (--cpu-prof of every server, in <dir>/<target>)
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import type { LoadResult, LoadSpec } from './load.js'
import { TEXTS } from './load.js'
import type { ServerStats, Target } from './server.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '2' },
    targets: { type: 'string', default: 'bare,embedded,redis' },
    profile: { type: 'string' }
  }
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const rate = Number(values.rate)
const rounds = Number(values.rounds)
const WARMUP_SECONDS = 2
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url))
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `bench:${randomUUID()}:`
const log = (s: string) => process.stderr.write(`[bench/http] ${s}\n`)

// --- child processes -------------------------------------------------------------------------
const children = new Set<ChildProcess>()

function child<T> (script: string, args: string[], timeoutMs: number, execArgv: string[] = []): { proc: ChildProcess; first: Promise<T> } {
  const proc = fork(here(script), args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.add(proc)
  proc.on('exit', () => children.delete(proc))
  const first = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill(); reject(new Error(`${script} ${args[0] ?? ''}: no answer within ${timeoutMs} ms`)) }, timeoutMs)
    proc.once('message', (m) => { clearTimeout(timer); resolve(m as T) })
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code} before answering`)) })
  })
  return { proc, first }
}

interface Server { target: Target; url: string; proc: ChildProcess }

async function startServer (target: Target): Promise<Server> {
  // one directory per target; the main thread's profile is the largest file (tsx adds a loader thread)
  const prof = values.profile ? ['--cpu-prof', '--cpu-prof-dir', `${values.profile}/${target}`] : []
  const { proc, first } = child<{ port: number }>('./server.ts', [target, redisUrl, prefix], 60_000, prof)
  const { port } = await first
  return { target, url: `http://127.0.0.1:${port}`, proc }
}

async function stopServer (s: Server): Promise<void> {
  if (s.proc.exitCode !== null) return
  const exited = new Promise<void>((resolve) => s.proc.once('exit', () => resolve()))
  s.proc.send('close')
  const timer = setTimeout(() => s.proc.kill(), 10_000)
  await exited
  clearTimeout(timer)
}

/** CPU seconds a process has used so far (Linux /proc), to tell a busy server from a starved one. */
function cpuSeconds (pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch { return NaN }
}

/**
 * Rescheduling and function-call interrupts so far, all CPUs (Linux /proc/interrupts RES + CAL): the
 * interrupts one core sends another to wake a sleeping process, here mostly a response waking an idle
 * load generator or Redis. On a VM each costs the sender a hypervisor exit, inside its socket write,
 * so a server that leaves its client idle pays more system time per response (docs/benchmarks.md).
 */
function wakeups (): number {
  try {
    let n = 0
    for (const line of readFileSync('/proc/interrupts', 'utf8').split('\n')) {
      const m = /^\s*(RES|CAL):((?:\s+\d+)+)/.exec(line)
      if (m) for (const v of m[2]!.trim().split(/\s+/)) n += Number(v)
    }
    return n
  } catch { return NaN }
}

/** One IPC exchange with a server child: send a command, take its next message. */
async function ask<T> (s: Server, cmd: 'reset' | 'stats'): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${s.target}: no answer to ${cmd}`)), 10_000)
    s.proc.once('message', (m) => { clearTimeout(timer); resolve(m as T) })
    s.proc.send(cmd)
  })
}

/** Redis round trips measured from this (otherwise idle) process while a load runs: the floor under the service's latency. */
function pingRedis (): { stop: () => Promise<{ p50: number; p99: number; max: number }> } {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  const samples: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t0 = performance.now()
      try { await r.ping(); samples.push(performance.now() - t0) } catch { /* counted as missing */ }
      await new Promise((res) => setTimeout(res, 5))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      r.disconnect()
      samples.sort((a, b) => a - b)
      const q = (x: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * x))] ?? NaN
      return { p50: q(0.5), p99: q(0.99), max: samples[samples.length - 1] ?? NaN }
    }
  }
}

interface Measured extends LoadResult { serverCpu: number; wakeupsPerReq: number; server: ServerStats; redisPing?: { p50: number; p99: number; max: number } }

async function load (s: Server, mode: LoadSpec['mode'], secs: number): Promise<Measured> {
  const spec: LoadSpec = { url: s.url, mode, seconds: secs, connections, rate }
  await ask(s, 'reset')
  const ping = s.target === 'redis' && mode === 'paced' ? pingRedis() : undefined
  const cpu0 = cpuSeconds(s.proc.pid)
  const wake0 = wakeups()
  const { first } = child<LoadResult>('./load.ts', [JSON.stringify(spec)], (secs + 40) * 1000)
  const r = await first
  const serverCpu = (cpuSeconds(s.proc.pid) - cpu0) / r.seconds
  const wakeupsPerReq = (wakeups() - wake0) / r.responses
  const server = await ask<ServerStats>(s, 'stats')
  return { ...r, serverCpu, wakeupsPerReq, server, ...(ping ? { redisPing: await ping.stop() } : {}) }
}

/** Every bench text must be answered (a reply), or the run measures something else. */
async function checkAnswers (s: Server): Promise<void> {
  for (const text of TEXTS) {
    const res = await fetch(`${s.url}/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: `check-${randomUUID()}`, conversationId: `check-${randomUUID()}`, buyerId: 'check', text })
    })
    const body = await res.json() as { action?: string }
    if (res.status !== 200 || body.action !== 'reply') throw new Error(`${s.target}: "${text}" got ${res.status} ${JSON.stringify(body)}, expected a reply`)
  }
}

// --- Redis -------------------------------------------------------------------------------------
async function redisAnswers (): Promise<boolean> {
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  try { await r.connect(); return (await r.ping()) === 'PONG' } catch { return false } finally { r.disconnect() }
}

async function deleteBenchKeys (): Promise<{ deleted: number; left: number }> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  let deleted = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) deleted += await r.unlink(...keys)
    } while (cursor !== '0')
    const [, left] = await r.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 100000)
    return { deleted, left: left.length }
  } finally { r.disconnect() }
}

// --- the run -----------------------------------------------------------------------------------
const wanted = values.targets!.split(',') as Target[]
const useRedis = wanted.includes('redis') && await redisAnswers()
const targets = wanted.filter((t) => t !== 'redis' || useRedis)
// one cleanup, however many ways the run ends (done, failed, Ctrl-C): children stopped, Redis keys gone
let cleaning: Promise<void> | undefined
async function cleanup (): Promise<void> {
  cleaning ??= (async () => {
    // the servers first, so that no request in flight writes a key after the sweep
    await Promise.all([...children].map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return
      const gone = new Promise((resolve) => c.once('exit', resolve))
      c.kill()
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))])
    }))
    if (useRedis) {
      const { deleted, left } = await deleteBenchKeys()
      log(`Redis: deleted ${deleted} keys under ${prefix}, ${left} left`)
    }
  })()
  return await cleaning
}
let stopping = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    stopping = true
    log(`${sig}: stopping`)
    void cleanup().finally(() => process.exit(130))
  })
}

const sat = new Map<Target, Measured[]>(targets.map((t) => [t, []]))
const paced = new Map<Target, Measured[]>(targets.map((t) => [t, []]))
const startedAt = Date.now()
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const t of order) {
      const s = await startServer(t)
      try {
        if (t !== 'bare') await checkAnswers(s)
        await load(s, 'saturate', WARMUP_SECONDS)
        const m = await load(s, 'saturate', seconds)
        sat.get(t)!.push(m)
        log(`round ${round + 1} ${t}: ${Math.round(m.reqPerSec)} req/s, p99 ${m.p99.toFixed(2)} ms, server CPU ${(100 * m.serverCpu).toFixed(0)}%`)
        const p = await load(s, 'paced', seconds)
        paced.get(t)!.push(p)
        log(`round ${round + 1} ${t} at ${rate} req/s: p99 ${p.p99.toFixed(2)} ms`)
      } finally { await stopServer(s) }
    }
  }
} catch (err) {
  // a child killed by the signal handler fails its run: not an error of its own
  if (stopping) { await cleanup(); process.exit(130) }
  throw err
} finally {
  await cleanup()
}

// --- report ------------------------------------------------------------------------------------
const NAMES: Record<Target, string> = {
  bare: 'bare Fastify route (constant JSON)',
  embedded: 'POST /v1/messages, embedded store',
  redis: 'POST /v1/messages, Redis store'
}
const int = (x: number) => Math.round(x).toLocaleString('en')
const ms = (x: number) => x.toFixed(2)
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '—')
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
/** server CPU time per response, µs: what a request costs the server, however busy the machine was */
const cpuUs = (m: Measured) => (1e6 * m.serverCpu) / m.reqPerSec
const bareOf = (i: number) => sat.get('bare')?.[i]
const ratio = (t: Target, i: number) => sat.get(t)![i]!.reqPerSec / (bareOf(i)?.reqPerSec ?? NaN)
const cpuRatio = (t: Target, i: number) => (bareOf(i) ? cpuUs(bareOf(i)!) : NaN) / cpuUs(sat.get(t)![i]!)
const range = (xs: number[]) => `${pct(Math.min(...xs))}–${pct(Math.max(...xs))}`

const out: string[] = [
  `Machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, ${new Date(startedAt).toISOString()}; whole run ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`,
  '',
  `Saturating load: autocannon, ${connections} connections, ${seconds} s per target per round after a ${WARMUP_SECONDS} s warm-up; ${rounds} round(s), the order reversed each round.`,
  'Each target in a fresh process of its own, the load generator in another. "server CPU" is the target process\'s CPU time over the run',
  '(100% = one core); "CPU µs/req" is that time per response, which a noisy machine or a slow load generator does not change much.',
  '"wake-ups/req": interrupts one core sent another to wake a process (/proc/interrupts RES + CAL, whole machine) per response.',
  '',
  '| target | round | req/s | p50 ms | p99 ms | non-2xx | errors | server CPU | load generator CPU | CPU µs/req | wake-ups/req | req/s vs bare (same round) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|'
]
for (const t of targets) {
  sat.get(t)!.forEach((m, i) => {
    out.push(`| ${NAMES[t]} | ${i + 1} | ${int(m.reqPerSec)} | ${ms(m.p50)} | ${ms(m.p99)} | ${m.non2xx} | ${m.errors} | ${pct(m.serverCpu)} | ${pct(m.cpu)} | ${int(cpuUs(m))} | ${m.wakeupsPerReq.toFixed(2)} | ${pct(ratio(t, i))} |`)
  })
}
out.push('', '| target | mean req/s | req/s vs bare (mean; range over rounds) | CPU per request vs bare (mean; range) |', '|---|---|---|---|')
for (const t of targets) {
  const r = sat.get(t)!.map((_, i) => ratio(t, i))
  const c = sat.get(t)!.map((_, i) => cpuRatio(t, i))
  out.push(`| ${NAMES[t]} | ${int(mean(sat.get(t)!.map((m) => m.reqPerSec)))} | ${pct(mean(r))} (${range(r)}) | ${pct(mean(c))} (${range(c)}) |`)
}
out.push('', `Steady ${int(rate)} requests/s for ${seconds} s on the same server right after its saturating run: open loop (requests issued on time whether or not`,
  `earlier ones were answered, up to ${connections} keep-alive connections), latency from when each request was issued, waiting for a connection included.`,
  '"late p99" runs from when the request was due and adds the generator\'s own timer lag. "loop p99/max": the server\'s event-loop delay;',
  '"GC max": its longest GC pause; "Redis PING p99": round trips to the same Redis from a third process during the run.', '',
  '| target | round | req/s | p50 ms | p90 ms | p99 ms | max ms | late p99 ms | non-2xx | errors | server CPU | loop p99 / max ms | GC max ms | Redis PING p99 ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for (const t of targets) {
  paced.get(t)!.forEach((m, i) => {
    out.push(`| ${NAMES[t]} | ${i + 1} | ${int(m.reqPerSec)} | ${ms(m.p50)} | ${ms(m.p90)} | ${ms(m.p99)} | ${ms(m.max)} | ${ms(m.lateP99 ?? NaN)} | ${m.non2xx} | ${m.errors} | ${pct(m.serverCpu)} | ` +
      `${ms(m.server.loopP99)} / ${ms(m.server.loopMax)} | ${ms(m.server.gcMaxMs)} | ${m.redisPing ? ms(m.redisPing.p99) : '—'} |`)
  })
}
out.push('')
if (targets.includes('embedded') && targets.includes('bare')) {
  const r = mean(sat.get('embedded')!.map((_, i) => ratio('embedded', i)))
  const c = mean(sat.get('embedded')!.map((_, i) => cpuRatio('embedded', i)))
  // issue 13: ≥ 35% of the bare route's req/s, and CPU per request at most 3× the bare route's
  const met = r >= 0.35 && c >= 1 / 3
  out.push(`Aim (issue 13), embedded ≥ 35% of the bare route's req/s and CPU per request ≤ 3× the bare route's: ${met ? 'met' : 'NOT met'} (req/s ${pct(r)}, bare CPU per request / embedded ${pct(c)}).`)
}
if (useRedis) {
  const ps = paced.get('redis')!
  const ok = ps.filter((m) => m.p99 < 3 && m.non2xx === 0 && m.errors === 0).length
  out.push(`Aim (issue 13), Redis p99 < 3 ms at ${int(rate)} req/s: ${ok === ps.length ? 'met' : ok === 0 ? 'NOT met' : `met in ${ok} of ${ps.length} rounds`} (p99 ${ps.map((m) => `${ms(m.p99)} ms`).join(', ')}` +
    `${targets.includes('bare') ? `; the bare route in the same rounds: ${paced.get('bare')!.map((m) => `${ms(m.p99)} ms`).join(', ')}` : ''}).`)
} else if (wanted.includes('redis')) {
  out.push('(Redis not reachable: Redis mode skipped)')
}
process.stdout.write(out.join('\n') + '\n')
