/**
 * A master of the Redis Cluster dies mid-run (issue #14, item 8): on a cluster of its own (the shared
 * one serves other test files), three shops on three masters, one master stopped with SHUTDOWN
 * NOSAVE as a crash would. Its shop's handoffs get 503 at once (connection refused), then every
 * shop's once the cluster marks the node failed and the others answer CLUSTERDOWN (full coverage
 * required, the default); answerable messages are answered throughout, /readyz is 503, nothing is a
 * 500. The node started again rejoins with its slots, and handoffs are taken again, without a restart.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg, untilReady } from '../helpers/build.js'
import { until } from '../helpers/until.js'
import { clusterDir, clusterReady, freeClusterPorts, startCluster, startNode, stopCluster, stopNode, type LocalCluster } from '../helpers/local-cluster.js'
import { readyClusterClient } from '../helpers/redis.js'

const SHOPS = ['shop-a', 'shop-b', 'shop-c'] as const
const FIXTURE = fileURLToPath(new URL('../fixtures/rules-shops', import.meta.url))
let cluster: LocalCluster
let rules: string
beforeAll(async () => {
  cluster = await startCluster(clusterDir(), await freeClusterPorts())
  rules = await mkdtemp(join(tmpdir(), 'rules-fault-'))
  await cp(FIXTURE, rules, { recursive: true })
  await cp(join(rules, 'shop-a'), join(rules, 'shop-c'), { recursive: true })
  const f = join(rules, 'shop-c', 'shop.yaml')
  await writeFile(f, (await readFile(f, 'utf8')).replaceAll('A店', 'C店').replaceAll('id: a-', 'id: c-'))
}, 60_000)
afterAll(async () => {
  await stopCluster(cluster.dir)
  await rm(rules, { recursive: true, force: true })
})
const closers: Array<() => void> = []
afterEach(() => { for (const c of closers.splice(0)) c() })

type App = Awaited<ReturnType<typeof build>>
const post = (app: App, text: string, shopId: string) => app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, { shopId }) })

describe('a master of the cluster stops', () => {
  it('503 for handoffs (never 500), answers for the answerable, /readyz 503; back without a restart when the node returns', async () => {
    const admin = await readyClusterClient(cluster.seeds)
    closers.push(() => admin.disconnect())
    const prefix = 'fault:'
    const app = await build({ rules, env: { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PREFIX: prefix } })
    await untilReady(app)
    const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', `${prefix}{shop-b}:x`))
    const shards = await admin.call('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
    const victim = shards.find(([a, b]) => slot >= a && slot <= b)![2][1]
    admin.disconnect()

    for (const shopId of SHOPS) expect((await post(app, '我的快递到哪了', shopId)).json().action).toBe('handoff')

    await stopNode(victim)
    // shop-b's master is gone at once; the others refuse too once the cluster says CLUSTERDOWN
    await until(async () => {
      const codes = await Promise.all(SHOPS.map(async (s) => (await post(app, '我的快递到哪了', s)).statusCode))
      expect(codes.every((c) => c === 200 || c === 503)).toBe(true)
      return codes.every((c) => c === 503)
    }, 'every shop\'s handoffs refused with 503', 15_000)
    for (const shopId of SHOPS) {
      const handed = await post(app, '我要投诉', shopId)
      expect(handed.statusCode).toBe(503)
      expect(handed.json()).toMatchObject({ code: 'AR_ERR_STORE_UNAVAILABLE' })
      const answered = await post(app, '包邮吗', shopId)
      expect(answered.statusCode).toBe(200)
      expect(answered.json()).toMatchObject({ action: 'reply', degraded: true })
    }
    expect((await app.inject('/readyz')).statusCode).toBe(503)

    await startNode(cluster.dir, victim)
    await until(() => clusterReady(cluster.ports), 'the cluster to be ok again', 15_000)
    await until(async () => {
      const codes = await Promise.all(SHOPS.map(async (s) => (await post(app, '我的快递到哪了', s)).statusCode))
      expect(codes.every((c) => c === 200 || c === 503)).toBe(true)
      return codes.every((c) => c === 200)
    }, 'handoffs taken again on every shop', 15_000)
    expect((await app.inject('/readyz')).statusCode).toBe(200)
  }, 60_000)
})
