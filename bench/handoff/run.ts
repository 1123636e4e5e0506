/**
 * The handoff queue on a real Redis: tickets enqueued per second through store.commit (one webhook
 * handoff each: idempotency record, conversation, ticket hash, chat, stream entry in one script) and
 * the latency of claiming a waiting ticket, beside redis-benchmark's bare XADD against the same
 * server in the same run, so the ratio survives a noisy machine.
 *   node --import tsx bench/handoff/run.ts [--seconds 5] [--concurrency 10]
 * Loopback only, a unique key prefix, everything deleted afterwards; bounded well under a minute.
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/benchmarks/
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { cpus } from 'node:os'
import { parseArgs, promisify } from 'node:util'
import { Redis } from 'ioredis'
import { createRedisClient, createRedisStore } from '../../src/store/index.js'

// bench/run-all.ts passes its own flags to every benchmark: unknown ones are ignored, not fatal
const { values } = parseArgs({ strict: false, options: { seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '10' } } })
const seconds = Math.min(Number(values.seconds), 15)
const concurrency = Number(values.concurrency)
// ~2 KB of Redis memory per ticket (idempotency record, conversation, hash, chat, stream entry):
// the cap keeps a shared server's peak near 100 MB before cleanup
const MAX_TICKETS = 50_000
const MAX_CLAIMS = 10_000
const XADD_REQUESTS = 50_000

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
if (!['127.0.0.1', 'localhost', '[::1]'].includes(redisUrl.hostname)) {
  process.stderr.write(`bench/handoff: ${redisUrl.hostname} is not loopback; this benchmark only runs against a local Redis\n`)
  process.exit(2)
}
const host = redisUrl.hostname === '[::1]' ? '::1' : redisUrl.hostname
const port = Number(redisUrl.port || 6379)

const SHOP = 'bench'
const prefix = `bench-handoff:${randomUUID()}:`
const xaddKey = `bench-handoff:{${randomUUID()}}:xadd`
const admin = new Redis({ host, port })

/** Keys under the prefix, by SCAN so a shared server is never blocked. */
async function cleanup (): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length) await admin.unlink(...keys)
  } while (cursor !== '0')
  await admin.unlink(xaddKey)
}

// a run that overstays still cleans up and says so
const watchdog = setTimeout(() => {
  process.stderr.write('bench/handoff: over 55 s, aborting\n')
  cleanup().finally(() => process.exit(1))
}, 55_000)

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** redis-benchmark's own figure for bare XADD: the most this server takes on this machine. */
async function xaddCeiling (): Promise<{ rps: number; p50: number }> {
  const { stdout } = await promisify(execFile)('redis-benchmark',
    ['-h', host, '-p', String(port), '-q', '-n', String(XADD_REQUESTS), '-c', String(concurrency), 'XADD', xaddKey, '*', 'f', 'v'],
    { timeout: 20_000 })
  // -q still prints progress lines separated by \r; the summary is the last one
  const m = /([\d.]+) requests per second, p50=([\d.]+) msec/.exec(stdout.split('\r').at(-1) ?? '')
  if (!m) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(-200)}`)
  return { rps: Number(m[1]), p50: Number(m[2]) }
}

let n = 0
function handoff (store: ReturnType<typeof createRedisStore>) {
  const i = n++
  const now = Date.now()
  return store.commit({
    shopId: SHOP, conversationId: `c-${i}`, buyerId: `b-${i}`, messageId: `m-${i}`, now, lastSeenAt: now,
    chat: [{ role: 'buyer', text: '我的快递到哪了', at: now, messageId: `m-${i}`, type: 'text' }],
    handoff: { reason: 'unmatched', priority: i % 10 === 0 ? 'urgent' : 'normal' },
    unmatched: { key: '我的快递到哪了', text: '我的快递到哪了' },
    body: { action: 'handoff', replies: ['已为您转接人工客服，前面还有{position}位，请稍候~'], matched: [] }
  })
}

interface RedisCounters { cpu: number; scriptCalls: number; scriptUsec: number; commands: number; commandUsec: number }

/**
 * Redis's own counters (INFO cpu and commandstats, read before and after a phase; never reset, so a
 * shared server's statistics are left alone): its CPU time, the scripts' calls and time inside them,
 * and the commands the scripts called. Differences over the enqueue phase, divided by the tickets, say
 * what one handoff costs Redis and how much of it is the script itself.
 */
async function redisCounters (): Promise<RedisCounters> {
  const info = await admin.info('cpu') + await admin.info('commandstats')
  const num = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0)
  let scriptCalls = 0; let scriptUsec = 0; let commands = 0; let commandUsec = 0
  for (const m of info.matchAll(/cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/g)) {
    if (m[1] === 'eval' || m[1] === 'evalsha') { scriptCalls += Number(m[2]); scriptUsec += Number(m[3]) } else if (m[1] !== 'info') { commands += Number(m[2]); commandUsec += Number(m[3]) }
  }
  return { cpu: num('used_cpu_user') + num('used_cpu_sys'), scriptCalls, scriptUsec, commands, commandUsec }
}

/** `concurrency` commits in flight on the service's one connection, for `seconds`. */
async function enqueue (store: ReturnType<typeof createRedisStore>, ms: number): Promise<{ tickets: number; seconds: number; perSecond: number }> {
  const start = process.hrtime.bigint()
  const until = Date.now() + ms
  let done = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until && n < MAX_TICKETS) { await handoff(store); done++ }
  }))
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9
  return { tickets: done, seconds: elapsed, perSecond: done / elapsed }
}

/**
 * One agent claiming waiting tickets back to back: the latency a desk sees for "next chat". Each
 * claim is paired with a PING on the same connection, the round-trip floor under any one-command
 * claim, so both see the same moment of a noisy machine.
 */
async function claims (store: ReturnType<typeof createRedisStore>, redis: Redis, ms: number) {
  const lat: number[] = []
  const ping: number[] = []
  const until = Date.now() + ms
  while (Date.now() < until && lat.length < MAX_CLAIMS) {
    let t0 = process.hrtime.bigint()
    await redis.ping()
    ping.push(Number(process.hrtime.bigint() - t0) / 1e6)
    t0 = process.hrtime.bigint()
    const t = await store.claim(SHOP, 'bench-agent', 0)
    if (!t) break
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return { claim: lat.sort((a, b) => a - b), ping: ping.sort((a, b) => a - b) }
}

const redis = createRedisClient(`redis://${redisUrl.hostname}:${port}`)
try {
  await new Promise<void>((resolve, reject) => { redis.once('ready', resolve); redis.once('error', reject) })
  const store = createRedisStore({ redis, prefix })
  const version = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1]

  await enqueue(store, 500) // warm-up: JIT, script cache
  const ceiling = await xaddCeiling()
  const before = await redisCounters()
  const enq = await enqueue(store, seconds * 1000)
  const after = await redisCounters()
  const per = (d: number) => d / enq.tickets
  const cost = {
    cpuUs: per(after.cpu - before.cpu) * 1e6,
    scriptUs: (after.scriptUsec - before.scriptUsec) / Math.max(1, after.scriptCalls - before.scriptCalls),
    commands: per(after.commands - before.commands),
    commandUs: per(after.commandUsec - before.commandUsec),
    busy: (after.cpu - before.cpu) / enq.seconds
  }
  const { claim: claimLat, ping: floor } = await claims(store, redis, seconds * 1000)
  const fmt = (x: number) => x.toFixed(3)

  process.stdout.write([
    `Redis ${version} on loopback, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}; redis-benchmark, Redis and this process share the machine.`,
    '',
    `| measure | this service | ceiling in the same run | ratio |`,
    '|---|---|---|---|',
    `| tickets enqueued / s (store.commit with handoff, ${concurrency} in flight on one connection) | ${Math.round(enq.perSecond).toLocaleString('en')} | ${Math.round(ceiling.rps).toLocaleString('en')} bare XADD / s (redis-benchmark -n ${XADD_REQUESTS} -c ${concurrency}) | ${(100 * enq.perSecond / ceiling.rps).toFixed(0)}% |`,
    `| claim latency p50 (ms, one agent, ${claimLat.length.toLocaleString('en')} waiting tickets claimed back to back) | ${fmt(percentile(claimLat, 50))} | ${fmt(percentile(floor, 50))} PING round trip from Node | ${(percentile(claimLat, 50) / percentile(floor, 50)).toFixed(1)}× |`,
    `| claim latency p99 (ms) | ${fmt(percentile(claimLat, 99))} | ${fmt(percentile(floor, 99))} PING round trip from Node | ${(percentile(claimLat, 99) / percentile(floor, 99)).toFixed(1)}× |`,
    '',
    `Redis's cost of one handoff in the enqueue phase (INFO cpu and commandstats, differences): ${cost.cpuUs.toFixed(0)} µs of its CPU, ` +
      `${cost.scriptUs.toFixed(1)} µs of it inside the commit script, which called ${cost.commands.toFixed(1)} commands taking ${cost.commandUs.toFixed(1)} µs of their own (the rest is Lua: calls into Redis, argument and reply conversion, cjson); Redis was busy ${(100 * cost.busy).toFixed(0)}% of a core. ` +
      `A bare XADD costs it ${(1e6 / ceiling.rps).toFixed(1)} µs all in (its rate above), so a quarter of that rate allows ${(4e6 / ceiling.rps).toFixed(0)} µs a handoff.`,
    `${enq.tickets.toLocaleString('en')} tickets enqueued in ${enq.seconds.toFixed(1)} s; redis-benchmark XADD p50 ${ceiling.p50} ms; claims taken from a queue ${n.toLocaleString('en')} deep (warm-up included).`,
    `Aim (issue 13), enqueue ≥ 25% of bare XADD: ${enq.perSecond / ceiling.rps >= 0.25 ? 'met' : 'NOT met'} (${(100 * enq.perSecond / ceiling.rps).toFixed(0)}%).`,
    ''
  ].join('\n'))
} finally {
  await cleanup()
  clearTimeout(watchdog)
  redis.disconnect()
  admin.disconnect()
}
