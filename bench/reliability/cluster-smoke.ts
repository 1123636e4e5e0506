/**
 * Cluster smoke (issue #14, item 8): the service on a real local 3-master Redis Cluster, over HTTP,
 * with many shops spread over the masters. Buyer messages (half answerable, half handed off, a tenth
 * of them delivered twice as a platform retrying would) go in from several concurrent clients; then
 * agents drain every shop's queue. Reports the errors (any status but 200), the losses (a handoff
 * acknowledged with a ticket id that no agent ever got), double hand-outs, redeliveries that differed
 * or opened a second ticket, and the latency of the messages; then the same traffic on one Redis
 * server (REDIS_URL, default 127.0.0.1:6379) in the same run, as the baseline.
 *   node --import tsx bench/reliability/cluster-smoke.ts [--messages 6000] [--shops 24] [--concurrency 16]
 * Starts its own cluster (three redis-server on free loopback ports in 7100-7999, a temp directory)
 * and stops it at the end; with REDIS_CLUSTER_NODES set, it runs on that cluster instead (keys under
 * a fresh prefix, deleted afterwards). The service runs in this process (buildApp, listening on
 * 127.0.0.1 only); the run is bounded by a watchdog.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { randomUUID } from 'node:crypto'
import { Cluster, Redis } from 'ioredis'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { clusterDir, freeClusterPorts, startCluster, stopCluster } from '../../test/helpers/local-cluster.js'

const { values } = parseArgs({ options: { messages: { type: 'string', default: '6000' }, shops: { type: 'string', default: '24' }, concurrency: { type: 'string', default: '16' } } })
const MESSAGES = Number(values.messages)
const SHOPS = Array.from({ length: Number(values.shops) }, (_, i) => `shop-${String(i + 1).padStart(2, '0')}`)
const CONCURRENCY = Number(values.concurrency)
const watchdog = setTimeout(() => { process.stderr.write('cluster-smoke: over time, stopping\n'); process.exit(1) }, 600_000)
watchdog.unref()

// --- the cluster, the rules (each shop a copy of the test fixture, open around the clock) ---
const external = process.env.REDIS_CLUSTER_NODES
const dir = clusterDir()
const seeds = external ?? (await startCluster(dir, await freeClusterPorts())).seeds
const rules = await mkdtemp(join(tmpdir(), 'rules-smoke-'))
const mini = fileURLToPath(new URL('../../test/fixtures/rules-mini', import.meta.url))
for (const shop of SHOPS) await cp(mini, join(rules, shop), { recursive: true })
for (const shop of SHOPS) {
  const f = join(rules, shop, 'shop.yaml')
  const text = await readFile(f, 'utf8')
  if (/^hours:/m.test(text)) await writeFile(f, text.replace(/^hours:.*$/m, 'hours: {timezone: Asia/Shanghai, open: {mon-sun: "00:00-24:00"}}'))
}
const prefix = `smoke:${randomUUID().slice(0, 8)}:`
const admin = new Cluster(seeds.split(',').map((s) => { const i = s.lastIndexOf(':'); return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) } }))
await new Promise((ok) => admin.once('ready', ok))

// which master holds each shop's slot
const slots = await admin.call('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
const masterOf = new Map<string, string>()
for (const shop of SHOPS) {
  const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', `${prefix}{${shop}}:x`))
  const [, , [host, port]] = slots.find(([a, b]) => slot >= a && slot <= b)!
  masterOf.set(shop, `${host}:${port}`)
}
const perMaster = new Map<string, number>()
for (const m of masterOf.values()) perMaster.set(m, (perMaster.get(m) ?? 0) + 1)

/** One pass: the service on `target` (the cluster, or the one-server baseline), the traffic, the drain; 1 when anything was wrong. */
async function run (target: Record<string, string>, prefix: string): Promise<number> {
  // --- the service ---
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', RULES_WATCH: 'false', RULES_DIR: rules, REDIS_PREFIX: prefix, CLASSIFIER: 'false', ...target }), logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  for (let i = 0; (await app.inject('/readyz')).statusCode !== 200; i++) {
    if (i > 100) throw new Error('the service did not become ready')
    await new Promise((r) => setTimeout(r, 50))
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 })
  function post (path: string, body: unknown): Promise<{ status: number; text: string }> {
    const data = JSON.stringify(body)
    return new Promise((ok) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => { text += c })
        res.on('end', () => ok({ status: res.statusCode ?? 0, text }))
      })
      req.on('error', (e) => ok({ status: 0, text: e.message }))
      req.end(data)
    })
  }

  // --- buyer messages ---
  const ANSWERABLE = ['包邮吗', '能退货吗', '几天到', '在吗']
  const HANDOFF = ['我的快递到哪了', '帮我改一下地址', '转人工', '我要投诉']
  const errors: string[] = []
  const acknowledged = new Map<string, string>() // ticketId -> shop
  const latencies: number[] = []
  let replies = 0
  let handoffs = 0
  let redeliveries = 0
  let redeliveryMismatch = 0
  let next = 0
  const started = Date.now()
  async function buyer (): Promise<void> {
    for (let i = next++; i < MESSAGES; i = next++) {
      const shopId = SHOPS[i % SHOPS.length]!
      const texts = i % 2 === 0 ? ANSWERABLE : HANDOFF
      // each conversation gets one handoff at most, so every acknowledged ticket is a ticket of its own
      const body = { messageId: `m-${i}`, conversationId: `c-${i}`, buyerId: `b-${i}`, shopId, text: texts[(i >> 1) % texts.length] }
      const t0 = performance.now()
      const res = await post('/v1/messages', body)
      latencies.push(performance.now() - t0)
      if (res.status !== 200) { errors.push(`${res.status} ${res.text.slice(0, 120)}`); continue }
      const json = JSON.parse(res.text) as { action: string; handoff?: { ticketId: string } }
      if (json.action === 'handoff' && json.handoff) { handoffs++; acknowledged.set(json.handoff.ticketId, shopId) } else replies++
      if (i % 10 === 0) {
        redeliveries++
        const again = await post('/v1/messages', body)
        if (again.status !== 200 || again.text !== res.text) redeliveryMismatch++
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, buyer))
  const sendMs = Date.now() - started

  // --- agents drain every shop ---
  const handedOut = new Map<string, number>()
  await Promise.all(SHOPS.map(async (shopId) => {
    for (;;) {
      const res = await post('/v1/handoff/claim', { agentId: `agent-${shopId}`, shopId })
      if (res.status === 204) return
      if (res.status !== 200) { errors.push(`claim ${res.status} ${res.text.slice(0, 120)}`); return }
      const t = JSON.parse(res.text) as { id: string }
      handedOut.set(t.id, (handedOut.get(t.id) ?? 0) + 1)
      const done = await post(`/v1/handoff/tickets/${t.id}/resolve`, { agentId: `agent-${shopId}`, shopId })
      if (done.status !== 200) errors.push(`resolve ${done.status} ${done.text.slice(0, 120)}`)
    }
  }))
  const lost = [...acknowledged.keys()].filter((id) => !handedOut.has(id)).length
  const twice = [...handedOut.values()].filter((n) => n > 1).length
  const unexpected = [...handedOut.keys()].filter((id) => !acknowledged.has(id)).length

  latencies.sort((a, b) => a - b)
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1)
  const report = {
    store: target.REDIS_CLUSTER_NODES ? 'cluster' : 'one server',
    messages: MESSAGES, redeliveries, shops: SHOPS.length, masters: target.REDIS_CLUSTER_NODES ? perMaster.size : 1,
    ...(target.REDIS_CLUSTER_NODES ? { shopsPerMaster: Object.fromEntries([...perMaster].sort()) } : {}),
    replies, handoffs, errors: errors.length, lost, handedOutTwice: twice, ticketsNotAcknowledged: unexpected, redeliveryMismatch,
    p50Ms: q(0.5), p99Ms: q(0.99), messagesPerSecond: Math.round((MESSAGES + redeliveries) / (sendMs / 1000))
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
  if (errors.length) process.stdout.write(`first errors:\n${errors.slice(0, 5).join('\n')}\n`)
  await app.close()
  agent.destroy()
  return errors.length || lost || twice || unexpected || redeliveryMismatch ? 1 : 0
}

const singleUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const singlePrefix = `smoke:${randomUUID().slice(0, 8)}:`
const failed = await run({ REDIS_CLUSTER_NODES: seeds }, prefix) | await run({ REDIS_URL: singleUrl }, singlePrefix)

// --- clean up ---
const single = new Redis(singleUrl)
let cur = '0'
do {
  const [nextCursor, keys] = await single.scan(cur, 'MATCH', `${singlePrefix}*`, 'COUNT', 1000)
  cur = nextCursor
  if (keys.length) await single.unlink(...keys)
} while (cur !== '0')
single.disconnect()
for (const node of admin.nodes('master')) {
  let cursor = '0'
  do {
    const [nextCursor, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = nextCursor
    if (keys.length) await node.pipeline(keys.map((k) => ['unlink', k])).exec()
  } while (cursor !== '0')
}
admin.disconnect()
if (!external) await stopCluster(dir)
await rm(rules, { recursive: true, force: true })
process.exitCode = failed
