/**
 * HTTP throughput and latency of POST /v1/messages beside a bare Fastify route returning a constant
 * JSON body, in the same run and process setup, so the ratio survives a noisy machine.
 *   node --import tsx bench/http/run.ts [--seconds 10] [--connections 50]
 * Redis mode runs when REDIS_URL is set (or a Redis answers on 127.0.0.1:6379): a fixed 1,000 req/s
 * load whose p99 is the figure the issue asks for.
 */
import Fastify from 'fastify'
import autocannon, { type Result } from 'autocannon'
import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } })
const duration = Number(values.seconds)
const connections = Number(values.connections)
const TEXTS = ['不合适可以退吗', '几天能到', '999是什么颜色', '我身高165体重110斤穿什么码', '包邮吗']

let n = 0
function body (): string {
  n++
  return JSON.stringify({ messageId: `bench-${randomUUID()}`, conversationId: `bc-${n % 5000}`, buyerId: `bb-${n % 5000}`, text: TEXTS[n % TEXTS.length] })
}

async function load (url: string, extra: Partial<autocannon.Options> = {}): Promise<Result> {
  return autocannon({
    url, method: 'POST', duration, connections,
    headers: { 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/v1/messages', setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }],
    ...extra
  })
}

async function bare () {
  const app = Fastify({ logger: false })
  const constant = { action: 'reply', replies: [{ type: 'text', text: '亲，本店支持7天无理由退换货哦~' }], matched: [] }
  app.post('/v1/messages', async () => constant)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

async function service (env: Record<string, string>) {
  const config = loadConfig({ LOG_LEVEL: 'silent', RULES_WATCH: 'false', ...env })
  const app = await buildApp({ config, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

const urlOf = (app: { server: { address (): unknown } }) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
const row = (name: string, r: Result, base?: Result) =>
  `| ${name} | ${Math.round(r.requests.average).toLocaleString('en')} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} | ${base ? `${((100 * r.requests.average) / base.requests.average).toFixed(0)}%` : '100%'} |`

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
async function redisAnswers (): Promise<boolean> {
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  try { await r.connect(); return (await r.ping()) === 'PONG' } catch { return false } finally { r.disconnect() }
}

const lines: string[] = []
const baseApp = await bare()
const embedded = await service({})
// warm both (JIT, automaton caches) before measuring
await load(urlOf(baseApp), { duration: 2 }); await load(urlOf(embedded), { duration: 2 })
const base = await load(urlOf(baseApp))
const emb = await load(urlOf(embedded))
lines.push(`Saturating load, ${connections} connections, ${duration} s each, one machine (autocannon in the same process).`, '',
  '| target | req/s | p50 ms | p99 ms | non-2xx | vs bare |', '|---|---|---|---|---|---|',
  row('bare Fastify route (constant JSON)', base), row('POST /v1/messages, embedded store', emb, base))
await embedded.close()

if (await redisAnswers()) {
  const prefix = `bench:${randomUUID()}:`
  const onRedis = await service({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix })
  await load(urlOf(onRedis), { duration: 2 })
  const sat = await load(urlOf(onRedis))
  const fixed = await load(urlOf(onRedis), { overallRate: 1000, connections: 20 })
  const baseFixed = await load(urlOf(baseApp), { overallRate: 1000, connections: 20 })
  lines.push(row('POST /v1/messages, Redis store', sat, base), '',
    'Fixed 1,000 requests/s (20 connections):', '',
    '| target | req/s | p50 ms | p99 ms | non-2xx | vs bare |', '|---|---|---|---|---|---|',
    row('bare Fastify route', baseFixed), row('POST /v1/messages, Redis store', fixed, baseFixed))
  await onRedis.close()
  const r = new Redis(redisUrl)
  let cursor = '0'
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await r.del(...keys)
  } while (cursor !== '0')
  r.disconnect()
} else {
  lines.push('', '(Redis not reachable: Redis mode skipped)')
}
await baseApp.close()
process.stdout.write(lines.join('\n') + '\n')
