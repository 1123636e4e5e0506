/**
 * How close to bare XADD a handoff can come at all, with no Node client in the way: redis-benchmark
 * calls, against the same Redis and in turn, (1) bare XADD, (2) a script that only returns, given a
 * webhook handoff's arguments (the fixed cost of any script call), (3) minimal-handoff.lua, the least
 * a handoff can do and keep the contract (13 commands), (4) the service's own commit script with a
 * webhook handoff's arguments (new conversation and ticket each call). Rounds alternate the order.
 *   node --import tsx bench/handoff/floor.ts [--requests 30000] [--rounds 2] [--concurrency 10]
 * Loopback only, a unique key prefix, everything deleted afterwards.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs, promisify } from 'node:util'
import { Redis } from 'ioredis'
import { scriptSources } from '../../src/store/redis/scripts.js'
import { DEFAULTS } from '../../src/store/ticket-order.js'

const { values } = parseArgs({ strict: false, options: { requests: { type: 'string', default: '30000' }, rounds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '10' } } })
const requests = Math.min(Number(values.requests), 200_000)
const rounds = Math.min(Number(values.rounds), 5)
const concurrency = String(Number(values.concurrency))

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
  process.stderr.write(`bench/handoff/floor: ${url.hostname} is not loopback; this benchmark only runs against a local Redis\n`)
  process.exit(2)
}
const port = String(Number(url.port || 6379))
const admin = new Redis({ host: url.hostname, port: Number(port) })
const prefix = `bench-floor:${randomUUID()}:`

/** Every key matching, a SCAN batch at a time (a shared server is never blocked); returns how many. */
async function eachKeys (match: string, batch: (keys: string[]) => Promise<unknown>): Promise<number> {
  let cursor = '0'
  let n = 0
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', match, 'COUNT', 1000)
    cursor = next
    n += keys.length
    if (keys.length) await batch(keys)
  } while (cursor !== '0')
  return n
}
const cleanup = () => eachKeys(`${prefix}*`, (keys) => admin.unlink(...keys))

/** redis-benchmark's requests per second for one command line; __rand_int__ differs per occurrence and call. */
async function rate (args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)('redis-benchmark',
    ['-h', url.hostname, '-p', port, '-q', '-n', String(requests), '-c', concurrency, '-r', '1000000000', ...args],
    { timeout: 120_000, maxBuffer: 1 << 24 })
  const m = /([\d.]+) requests per second/.exec(stdout.split('\r').at(-1) ?? '')
  if (!m) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(-300)}`)
  return Number(m[1])
}

const now = String(Date.now())
const chatLine = JSON.stringify({ role: 'buyer', text: '我的快递到哪了', at: Number(now), type: 'text' })
const body = JSON.stringify({ action: 'handoff', replies: ['已为您转接人工客服，前面还有{position}位，请稍候~'], matched: [] })
// the arguments the store's commit() passes for a webhook handoff (src/store/redis/index.ts)
const commitArgs = (base: string) => [base, now, 'c__rand_int__', 'b1', now, 'keep', '', 'unmatched', 'normal', 't__rand_int__',
  '我的快递到哪了', '我的快递到哪了', '2026-12-04', body, String(DEFAULTS.idempotencyTtlMs), String(DEFAULTS.conversationTtlMs),
  String(DEFAULTS.claimTimeoutMs), String(DEFAULTS.unmatchedDays * 86_400), '', String(DEFAULTS.historyTtlMs),
  String(DEFAULTS.historyMaxEntries), '1', '', chatLine]

/** Keys under one base, counted by SCAN: what a run wrote. */
const count = (match: string) => eachKeys(match, async () => {})

try {
  const commit = scriptSources().get('commit')!
  const commitSha = await admin.script('LOAD', commit.lua) as string
  const minimalSha = await admin.script('LOAD', readFileSync(new URL('./minimal-handoff.lua', import.meta.url), 'utf8')) as string
  const emptySha = await admin.script('LOAD', 'return 0') as string
  // Every run gets a base of its own: redis-benchmark draws the same __rand_int__ sequence in every run,
  // so a second run on one base would find its message ids committed and return early; and every run
  // starts from an empty queue.
  const targets: Record<string, (base: string) => string[]> = {
    'bare XADD': (base) => ['XADD', `${base}xadd`, '*', 'f', 'v'],
    'a script that only returns (a handoff\'s 25 arguments)': (base) => ['EVALSHA', emptySha, '1', `${base}idem:m__rand_int__`, ...commitArgs(base).slice(0, 24)],
    'minimal-handoff.lua (13 commands)': (base) => ['EVALSHA', minimalSha, '1', `${base}idem:m__rand_int__`, base, now, 'c__rand_int__', 't__rand_int__', 'b1', chatLine, body],
    'commit-1.lua, a webhook handoff': (base) => ['EVALSHA', commitSha, '1', `${base}idem:m__rand_int__`, ...commitArgs(base)]
  }
  const names = Object.keys(targets)
  const results = new Map<string, number[]>(names.map((n) => [n, []]))
  const recorded = new Map<string, number[]>(names.map((n) => [n, []]))
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const base = `${prefix}r${r}-${names.indexOf(name)}:{bench}:`
      results.get(name)!.push(await rate(targets[name]!(base)))
      // a handoff that ran to the end left its idempotency record: the check that none returned early
      if (name.includes('.lua')) recorded.get(name)!.push(await count(`${base}idem:*`))
    }
  }
  const xadd = results.get('bare XADD')!
  const fmt = (x: number) => Math.round(x).toLocaleString('en')
  process.stdout.write([
    `Redis on ${url.hostname}:${port}, ${cpus().length} × ${cpus()[0]?.model.trim()}; redis-benchmark -n ${requests} -c ${concurrency}, ${rounds} round(s), the order reversed every other round, a fresh key prefix for every run.`,
    '',
    '| call | calls / s per round | µs a call (1 / rate; Redis is the bottleneck) | vs bare XADD, same round | idempotency records written per round |',
    '|---|---|---|---|---|',
    ...names.map((n) => {
      const rs = results.get(n)!
      const rec = recorded.get(n)!
      return `| ${n} | ${rs.map(fmt).join(' · ')} | ${rs.map((x) => (1e6 / x).toFixed(1)).join(' · ')} | ${rs.map((x, i) => `${(100 * x / xadd[i]!).toFixed(0)}%`).join(' · ')} | ${rec.length ? rec.map(fmt).join(' · ') : '—'} |`
    }),
    ''
  ].join('\n'))
} finally {
  const deleted = await cleanup()
  process.stderr.write(`bench/handoff/floor: ${deleted.toLocaleString('en')} keys deleted\n`)
  admin.disconnect()
}
