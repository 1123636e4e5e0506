/**
 * The Redis queue shared by several service instances, and read by desks written in other
 * languages: claims stay exclusive under races, and the raw Redis layout (streams, consumer group,
 * ticket hash, chat list) is what a consumer outside this codebase would rely on.
 * @see https://redis.io/docs/latest/commands/xreadgroup/
 * @see https://redis.io/docs/latest/commands/xpending/
 */
import { describe, it, expect, afterEach } from 'vitest'
import { Redis } from 'ioredis'
import { build, msg, untilReady } from '../helpers/build.js'
import { createRedisStore } from '../../src/store/index.js'
import type { Store } from '../../src/store/types.js'
import { REDIS_URL, readyClient, redisPrefixes } from '../helpers/redis.js'

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
})

const SHOP = 'default'
type App = Awaited<ReturnType<typeof build>>

/** An app instance on the shared prefix, once its Redis connection is up (it refuses, not queues, before). */
async function instance (prefix: string): Promise<App> {
  const app = await build({ env: { REDIS_URL, REDIS_PREFIX: prefix } })
  await untilReady(app)
  return app
}

async function raw (): Promise<Redis> {
  const r = new Redis(REDIS_URL)
  clients.push(r)
  return r
}

/** XPENDING detail of a stream: entry id → consumer holding it. */
async function pendingBy (r: Redis, stream: string): Promise<Map<string, string>> {
  if (!(await r.exists(stream))) return new Map()
  const rows = await r.xpending(stream, 'agents', '-', '+', 10_000) as Array<[string, string, number, number]>
  return new Map(rows.map(([entry, consumer]) => [entry, consumer]))
}

describe('Redis queue under concurrent claims', () => {
  it('two app instances racing many agents: every ticket is claimed exactly once', async () => {
    const prefix = newPrefix()
    const apps = [await instance(prefix), await instance(prefix)]
    const N = 60
    const enqueued: string[] = []
    for (let i = 0; i < N; i++) {
      // complaints mixed in, so both streams are raced
      const text = i % 5 === 0 ? '我要投诉 你们是骗子' : '我的快递到哪了'
      const res = await apps[i % 2]!.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, { conversationId: `race-${i}` }) })
      expect(res.statusCode).toBe(200)
      enqueued.push(res.json().handoff.ticketId)
    }
    expect(new Set(enqueued).size).toBe(N)

    const claimed: Array<{ agentId: string; id: string }> = []
    const statuses: number[] = []
    const agent = async (app: App, agentId: string) => {
      // bounded, so a queue that hands out a ticket twice ends the test instead of spinning
      while (claimed.length <= 2 * N) {
        const res = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId } })
        statuses.push(res.statusCode)
        if (res.statusCode !== 200) return
        claimed.push({ agentId, id: res.json().id })
      }
    }
    await Promise.all(apps.flatMap((app, a) => Array.from({ length: 8 }, (_, i) => agent(app, `agent-${a}-${i}`))))

    expect(new Set(statuses)).toEqual(new Set([200, 204]))
    expect(claimed.map((c) => c.id).sort()).toEqual([...enqueued].sort())

    // the streams agree: each entry pending for exactly the agent that got its ticket
    const r = await raw()
    const base = `${prefix}{${SHOP}}:`
    // keyed by stream and entry: the two streams number their entries independently, so an id can repeat
    const pending = new Map<string, string>()
    for (const priority of ['urgent', 'normal']) {
      for (const [entry, consumer] of await pendingBy(r, `${base}q:${priority}`)) pending.set(`${priority} ${entry}`, consumer)
    }
    expect(pending.size).toBe(N)
    for (const { agentId, id } of claimed) {
      const [entry, priority] = await r.hmget(`${base}ticket:${id}`, 'entry', 'priority')
      expect(pending.get(`${priority} ${entry}`)).toBe(agentId)
    }
  })

  it('expired claims raced by two store instances: each ticket is reclaimed exactly once', async () => {
    const prefix = newPrefix()
    const stores: Store[] = []
    for (let i = 0; i < 2; i++) {
      const redis = await readyClient()
      clients.push(redis)
      stores.push(createRedisStore({ redis, prefix, claimTimeoutMs: 1000 }))
    }
    const T = Date.now()
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      const r = await stores[i % 2]!.commit({
        shopId: SHOP, conversationId: `c-${i}`, buyerId: 'b', messageId: `m-${i}`, now: T, lastSeenAt: T,
        chat: [{ role: 'buyer', text: '我的快递到哪了', at: T }], handoff: { reason: 'unmatched', priority: 'normal' }, body: null
      })
      ids.push(r.ticket!.id)
    }
    for (let i = 0, t = await stores[0]!.claim(SHOP, 'ghost', 0, T); t && i < 2 * ids.length; i++, t = await stores[0]!.claim(SHOP, 'ghost', 0, T));

    // simulated time: every claim has lapsed for the rivals, which race to take them over
    const later = T + 5000
    const got: string[] = []
    const rival = async (store: Store, agentId: string) => {
      for (let t = await store.claim(SHOP, agentId, 0, later); t && got.length <= 2 * ids.length; t = await store.claim(SHOP, agentId, 0, later)) got.push(t.id)
    }
    await Promise.all(stores.flatMap((s, a) => Array.from({ length: 6 }, (_, i) => rival(s, `rival-${a}-${i}`))))
    expect(got.sort()).toEqual([...ids].sort())
  })
})

describe('Redis layout for desks in other languages', () => {
  it('streams q:urgent / q:normal with group "agents", a ticket hash and a chat list per ticket', async () => {
    const prefix = newPrefix()
    const app = await instance(prefix)
    const post = async (text: string, conversationId: string) =>
      (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text, { conversationId, buyerId: `buyer-${conversationId}` }) })).json()
    const n1 = await post('我的快递到哪了', 'conv-n1')
    const n2 = await post('转人工', 'conv-n2')
    const u1 = await post('我要投诉 你们是骗子', 'conv-u1')
    const r = await raw()
    const base = `${prefix}{${SHOP}}:`

    // a reader needs only XRANGE / XINFO: entries in claim order per priority, fields as documented
    const entries = async (p: string) => (await r.xrange(`${base}q:${p}`, '-', '+')).map(([, f]) => Object.fromEntries(chunk(f)))
    expect(await entries('normal')).toEqual([
      { ticket: n1.handoff.ticketId, conversation: 'conv-n1', priority: 'normal' },
      { ticket: n2.handoff.ticketId, conversation: 'conv-n2', priority: 'normal' }
    ])
    expect(await entries('urgent')).toEqual([{ ticket: u1.handoff.ticketId, conversation: 'conv-u1', priority: 'urgent' }])
    for (const p of ['urgent', 'normal']) {
      const groups = await r.xinfo('GROUPS', `${base}q:${p}`) as unknown[][]
      expect(groups.map((g) => Object.fromEntries(chunk(g as string[])).name)).toEqual(['agents'])
    }

    const ticket = await r.hgetall(`${base}ticket:${n1.handoff.ticketId}`)
    expect(ticket).toMatchObject({ id: n1.handoff.ticketId, conversationId: 'conv-n1', buyerId: 'buyer-conv-n1', priority: 'normal', reason: 'unmatched', status: 'waiting', stream: `${base}q:normal` })
    expect(Number(ticket.createdAt)).toBeGreaterThan(0)
    const chat = (await r.lrange(`${base}chat:${n1.handoff.ticketId}`, 0, -1)).map((c) => JSON.parse(c))
    // the buyer's message, then the holding reply as the buyer saw it, position filled in
    expect(chat).toMatchObject([{ role: 'buyer', text: '我的快递到哪了', type: 'text' }, { role: 'bot', text: n1.replies[0].text }])
    expect(chat[1].text).not.toContain('{position}')
    expect(await r.zrange(`${base}waiting`, '0', '-1')).toEqual([u1.handoff.ticketId, n1.handoff.ticketId, n2.handoff.ticketId])
    expect(await r.hgetall(`${base}conv:conv-n1`)).toMatchObject({ ticketId: n1.handoff.ticketId, ticketStatus: 'waiting' })

    // a claim is the entry pending for a consumer named after the agent; resolve acknowledges and deletes it
    const claim = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'desk-7' } })).json()
    expect(claim.id).toBe(u1.handoff.ticketId)
    const urgentEntry = (await r.xrange(`${base}q:urgent`, '-', '+'))[0]![0]
    expect([...await pendingBy(r, `${base}q:urgent`)]).toEqual([[urgentEntry, 'desk-7']])
    expect(await r.hgetall(`${base}ticket:${claim.id}`)).toMatchObject({ status: 'claimed', agentId: 'desk-7', entry: urgentEntry })
    expect(await r.zscore(`${base}claims`, claim.id)).not.toBeNull()
    await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${claim.id}/resolve`, payload: { agentId: 'desk-7' } })
    expect(await r.xlen(`${base}q:urgent`)).toBe(0)
    expect((await pendingBy(r, `${base}q:urgent`)).size).toBe(0)
    expect(await r.exists(`${base}ticket:${claim.id}`, `${base}chat:${claim.id}`)).toBe(0)
  })

  it('a desk can follow new tickets through its own consumer group without touching the agents group', async () => {
    const prefix = newPrefix()
    const app = await instance(prefix)
    const r = await raw()
    const stream = `${prefix}{${SHOP}}:q:normal`
    const first = (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })).json()
    // what a desk in any language would run: its own group, XREADGROUP, XACK
    await r.xgroup('CREATE', stream, 'desk-notify', '0')
    const read = await r.xreadgroup('GROUP', 'desk-notify', 'tab-1', 'COUNT', 10, 'STREAMS', stream, '>') as Array<[string, Array<[string, string[]]>]>
    const [[, [[entry, fields]]]] = read as [[string, [[string, string[]]]]]
    expect(Object.fromEntries(chunk(fields)).ticket).toBe(first.handoff.ticketId)
    expect(await r.xack(stream, 'desk-notify', entry)).toBe(1)
    // the service's own claim is unaffected
    const claim = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })
    expect(claim.json().id).toBe(first.handoff.ticketId)
  })
})

function chunk (flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!])
  return out
}
