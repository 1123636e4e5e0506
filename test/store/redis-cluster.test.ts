/**
 * The service on a real local 3-master Redis Cluster (issue #14, item 8), as a user runs it:
 * `REDIS_CLUSTER_NODES` set, three shops whose hash tags land on three different masters, the
 * webhook answering and handing off, agents claiming, replying through the outbox and resolving,
 * redeliveries, the console's queue feed and /readyz. And the mistake the issue found: a
 * single-server client (`REDIS_URL`) pointed at one node of the cluster answers what the rules
 * answer, refuses handoffs of the shops on other nodes with 503 (MOVED), never a 500, and /readyz
 * says so. The store and outbox contracts run on the cluster too (test/store/contract.test.ts).
 */
import { describe, it, expect, afterEach } from 'vitest'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Cluster } from 'ioredis'
import { build, msg, untilReady } from '../helpers/build.js'
import { clusterKeysUnder, clusterPrefixes, readyClusterClient, usesCluster } from '../helpers/redis.js'
import { receiver } from '../helpers/receiver.js'
import { until } from '../helpers/until.js'
import type { QueueSnapshot } from '../../src/service/queue-feed.js'

const seeds = usesCluster()
const newPrefix = clusterPrefixes()
const SHOPS_FIXTURE = fileURLToPath(new URL('../fixtures/rules-shops', import.meta.url))
/** shop-a, shop-b and shop-c: their hash tags' slots (2436, 14823, 10694) are on the three masters of an even 3-way split */
const SHOPS = ['shop-a', 'shop-b', 'shop-c'] as const
const LETTER = { 'shop-a': 'A', 'shop-b': 'B', 'shop-c': 'C' } as const

const temps: string[] = []
const clients: Cluster[] = []
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })))
  for (const c of clients.splice(0)) c.disconnect()
})

/** The two-shop fixture plus shop-c, a copy of shop-a speaking as "C店", open around the clock. */
async function threeShops (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rules-cluster-'))
  temps.push(dir)
  await cp(SHOPS_FIXTURE, dir, { recursive: true })
  await cp(join(dir, 'shop-a'), join(dir, 'shop-c'), { recursive: true })
  const file = join(dir, 'shop-c', 'shop.yaml')
  await writeFile(file, (await readFile(file, 'utf8')).replaceAll('A店', 'C店').replaceAll('id: a-', 'id: c-'))
  return dir
}

/** host:port of the master that owns a key's slot, asked of the cluster itself. */
async function ownerOf (c: Cluster, key: string): Promise<string> {
  const slot = Number(await c.call('CLUSTER', 'KEYSLOT', key))
  const shards = await c.call('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
  const [, , [host, port]] = shards.find(([from, to]) => slot >= from && slot <= to)!
  return `${host}:${port}`
}

type App = Awaited<ReturnType<typeof build>>
const post = (app: App, url: string, payload: object) => app.inject({ method: 'POST', url, payload })

describe('the service on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  async function start (extra: Record<string, string> = {}) {
    const prefix = newPrefix()
    const app = await build({ rules: await threeShops(), env: { REDIS_CLUSTER_NODES: seeds(), REDIS_PREFIX: prefix, ...extra } })
    await untilReady(app)
    return { app, prefix }
  }

  it('answers and hands off for shops on three masters; each shop\'s keys sit on its one master; claim, reply, resolve', async () => {
    const rx = await receiver()
    const { app, prefix } = await start({ OUTBOUND_WEBHOOK_URL: rx.url, OUTBOX_RETRY_BASE: '20ms' })
    const admin = await readyClusterClient()
    clients.push(admin)

    for (const shopId of SHOPS) {
      const L = LETTER[shopId]
      const answered = await post(app, '/v1/messages', msg('包邮吗', { shopId, conversationId: `${shopId}-c1` }))
      expect(answered.statusCode).toBe(200)
      expect(answered.json()).toMatchObject({ action: 'reply', replies: [{ text: expect.stringMatching(new RegExp(`^${L}店：`)) }] })
      expect(answered.json().degraded).toBeUndefined()
      const handed = await post(app, '/v1/messages', msg('能开发票吗', { shopId, conversationId: `${shopId}-c2` }))
      if (shopId === 'shop-b') { // shop-b answers invoices itself: hand off with its human keyword instead
        expect(handed.json().action).toBe('reply')
        expect((await post(app, '/v1/messages', msg('转人工', { shopId, conversationId: `${shopId}-c2` }))).json()).toMatchObject({ action: 'handoff', handoff: { position: 0 } })
      } else {
        expect(handed.json()).toMatchObject({ action: 'handoff', handoff: { position: 0, reason: 'unmatched' } })
      }
    }

    // the shops' keys: every key of one shop on one master, and the three shops on three masters
    const keys = await clusterKeysUnder(prefix)
    const nodesOf = (shopId: string) => new Set(keys.filter((k) => k.key.startsWith(`${prefix}{${shopId}}:`)).map((k) => k.node))
    const owners = await Promise.all(SHOPS.map((s) => ownerOf(admin, `${prefix}{${s}}:x`)))
    SHOPS.forEach((s, i) => expect([...nodesOf(s)]).toEqual([owners[i]]))
    expect(new Set(owners).size).toBe(3)
    expect(keys.every((k) => SHOPS.some((s) => k.key.startsWith(`${prefix}{${s}}:`)))).toBe(true)

    // an agent per shop: claim, reply (through the outbox to the shop's webhook), resolve
    for (const shopId of SHOPS) {
      const claimed = await post(app, '/v1/handoff/claim', { agentId: `agent-${shopId}`, shopId })
      expect(claimed.statusCode).toBe(200)
      const ticket = claimed.json()
      expect(ticket).toMatchObject({ shopId, conversationId: `${shopId}-c2`, status: 'claimed' })
      const sent = await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, { agentId: `agent-${shopId}`, shopId, text: `${shopId} 已经帮您查到了`, clientMsgId: 'k1' })
      expect(sent.statusCode).toBe(200)
      const again = await post(app, `/v1/handoff/tickets/${ticket.id}/replies`, { agentId: `agent-${shopId}`, shopId, text: `${shopId} 已经帮您查到了`, clientMsgId: 'k1' })
      expect(again.json()).toMatchObject({ duplicate: true, message: { id: sent.json().message.id } })
      expect((await post(app, `/v1/handoff/tickets/${ticket.id}/resolve`, { agentId: `agent-${shopId}`, shopId })).statusCode).toBe(200)
      expect((await post(app, '/v1/handoff/claim', { agentId: `agent-${shopId}`, shopId })).statusCode).toBe(204)
    }
    await until(() => rx.delivered().length === 3, 'the three replies delivered')
    expect(rx.delivered().map((r) => r.json.shopId).sort()).toEqual([...SHOPS])
    for (const shopId of SHOPS) {
      const h = (await app.inject(`/v1/conversations/${shopId}-c2?shopId=${shopId}`)).json()
      expect(h.messages.at(-1)).toMatchObject({ role: 'agent', text: `${shopId} 已经帮您查到了`, delivery: { status: 'sent' } })
      const stats = (await app.inject(`/v1/handoff/stats?shopId=${shopId}`)).json()
      expect(stats).toMatchObject({ waiting: 0, claimed: 0 })
      const outbox = await app.outbox.stats(shopId)
      expect(outbox).toMatchObject({ depth: 0, sent: 1, failed: 0 })
    }
  })

  it('a redelivered message gets the same reply and no second ticket, on every master', async () => {
    const { app } = await start()
    for (const shopId of SHOPS) {
      const m = msg('我的快递到哪了', { shopId })
      const first = await post(app, '/v1/messages', m)
      const copies = await Promise.all(Array.from({ length: 5 }, () => post(app, '/v1/messages', m)))
      expect(first.json().action).toBe('handoff')
      for (const c of copies) expect(c.body).toBe(first.body)
      expect((await app.inject(`/v1/handoff/stats?shopId=${shopId}`)).json().waiting).toBe(1)
    }
  })

  it('the console\'s queue feed shows each shop\'s chats as they arrive and are claimed', async () => {
    const { app } = await start()
    for (const shopId of SHOPS) {
      const seen: QueueSnapshot[] = []
      const off = app.queueFeed.subscribe(shopId, (s) => seen.push(s))
      await until(() => seen.length >= 1, `${shopId}'s first snapshot`)
      await post(app, '/v1/messages', msg('我的快递到哪了', { shopId, conversationId: `${shopId}-feed` }))
      const arrived = await until(() => seen.find((s) => s.tickets.length === 1), `${shopId}'s chat in the feed`)
      expect(arrived.tickets[0]).toMatchObject({ conversationId: `${shopId}-feed`, status: 'waiting', lastBuyerText: '我的快递到哪了' })
      await post(app, '/v1/handoff/claim', { agentId: 'desk', shopId })
      await until(() => seen.some((s) => s.tickets[0]?.status === 'claimed' && s.stats.claimed === 1), `${shopId}'s claim in the feed`)
      off()
    }
  })

  it('a mirror\'s blocking XREADGROUP, on a connection of its own, wakes on each shop\'s new ticket on its master', async () => {
    const { app, prefix } = await start()
    for (const shopId of SHOPS) {
      const b = `${prefix}{${shopId}}:`
      // BLOCK holds its connection: a mirror uses its own client, never the service's
      const mirror = await readyClusterClient()
      clients.push(mirror)
      for (const p of ['urgent', 'normal']) await mirror.xgroup('CREATE', `${b}q:${p}`, 'crm', '$', 'MKSTREAM')
      // both streams of one shop in one call: same hash tag, same slot
      const read = mirror.xreadgroup('GROUP', 'crm', 'mirror-1', 'COUNT', 10, 'BLOCK', 10_000, 'STREAMS', `${b}q:urgent`, `${b}q:normal`, '>', '>') as Promise<Array<[string, Array<[string, string[]]>]> | null>
      const handed = (await post(app, '/v1/messages', msg('我要投诉 你们是骗子', { shopId, conversationId: `${shopId}-angry` }))).json()
      expect(handed).toMatchObject({ action: 'handoff', handoff: { priority: 'urgent' } })
      const got = await read
      expect(got?.[0]?.[0]).toBe(`${b}q:urgent`)
      const fields = got![0]![1][0]![1]
      expect(fields[fields.indexOf('ticket') + 1]).toBe(handed.handoff.ticketId)
    }
  })

  it('/readyz runs a script on every loaded shop\'s slot', async () => {
    const { app } = await start()
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ status: 'ready', store: { kind: 'redis', ok: true }, rules: { shops: [...SHOPS] } })
    expect(await app.store.ping([...SHOPS])).toBe(true)
  })
})

describe('a single-server client (REDIS_URL) pointed at one node of the cluster', () => {
  it('answers what the rules answer, 503 (never 500) for handoffs of shops on other nodes, /readyz 503', async () => {
    const admin = await readyClusterClient()
    clients.push(admin)
    const prefix = newPrefix()
    // the node that owns the "default" shop's slot: a PING, or a script on that shop's keys alone,
    // succeeds there, so only a check of every loaded shop sees the misconfiguration
    const home = await ownerOf(admin, `${prefix}{default}:ready`)
    const app = await build({ rules: await threeShops(), env: { REDIS_URL: `redis://${home}`, REDIS_PREFIX: prefix } })
    await until(() => app.redis?.status === 'ready', 'the client to connect')

    const here: string[] = []
    const elsewhere: string[] = []
    for (const shopId of SHOPS) (await ownerOf(admin, `${prefix}{${shopId}}:x`) === home ? here : elsewhere).push(shopId)
    expect(here.length).toBeGreaterThan(0)
    expect(elsewhere.length).toBeGreaterThan(0)
    // the shops on this node work as usual
    for (const shopId of here) expect((await post(app, '/v1/messages', msg('我的快递到哪了', { shopId }))).json()).toMatchObject({ action: 'handoff' })
    for (const shopId of elsewhere) {
      const answered = await post(app, '/v1/messages', msg('包邮吗', { shopId }))
      expect(answered.statusCode).toBe(200)
      expect(answered.json()).toMatchObject({ action: 'reply', degraded: true, replies: [{ text: expect.stringMatching(/包邮/) }] })
      const handed = await post(app, '/v1/messages', msg('我的快递到哪了', { shopId }))
      expect(handed.statusCode).toBe(503)
      expect(handed.json()).toMatchObject({ code: 'AR_ERR_STORE_UNAVAILABLE' })
      expect(handed.headers['retry-after']).toBe('5')
      // an agent's routes too: 503, not 500
      expect((await post(app, '/v1/handoff/claim', { agentId: 'x', shopId })).statusCode).toBe(503)
      expect((await app.inject(`/v1/handoff/stats?shopId=${shopId}`)).statusCode).toBe(503)
    }
    expect(await app.store.ping()).toBe(true) // the "default" shop alone: fine on this node
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(503)
    expect(ready.json().store.ok).toBe(false)
  })
})
