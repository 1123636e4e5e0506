/**
 * The Redis store's copies of the conversations it wrote last (src/store/redis/conversation-copies.ts):
 * a buyer's next message is decided on the copy and committed in one round trip, and a copy made
 * stale by another instance, a desk's claim or a lapsed claim is refused by the commit, so the
 * message is decided again on the conversation as it is. Real Redis; two stores on one prefix are two
 * service instances. Round trips are counted with MONITOR (test/helpers/monitor.ts).
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest'
import { Redis } from 'ioredis'
import type { ShopEngine } from '../../src/engine/engine.js'
import { engineFor } from '../helpers/engine.js'
import { handleMessage, type BuyerMessage } from '../../src/service/handle-message.js'
import { pickFirst } from '../../src/engine/answer.js'
import { DEMO_RULES } from '../helpers/build.js'
import { createRedisStore, type Store } from '../../src/store/index.js'
import { ConversationCopies, encodeBasis } from '../../src/store/redis/conversation-copies.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'
import { watch } from '../helpers/monitor.js'

const log = { warn () {} }
let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(DEMO_RULES) })

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(() => { for (const c of clients.splice(0)) c.disconnect() })

/** `count` stores (service instances) on one prefix, each on its own connection. */
async function instances (count: number, prefix = newPrefix()): Promise<Array<{ store: Store; redis: Redis }>> {
  return await Promise.all(Array.from({ length: count }, async () => {
    const redis = await readyClient()
    clients.push(redis)
    return { store: createRedisStore({ redis, prefix, claimTimeoutMs: 1_000 }), redis }
  }))
}

/** The scripts one connection sends while `work` runs. */
async function scriptsSent (redis: Redis, work: () => Promise<unknown>): Promise<string[]> {
  return (await (await watch(redis))(work)).sent.map((c) => c[0]!)
}

let n = 0
const message = (text: string, conversationId: string): BuyerMessage =>
  ({ messageId: `cc-${++n}`, conversationId, buyerId: '买家小美😊', shopId: 'default', type: 'text', text })

describe('conversation copies (Redis)', () => {
  it('the buyer\'s next message is decided on the copy and committed in one script', async () => {
    const prefix = newPrefix()
    const [a] = await instances(1, prefix)
    const deps = { store: a!.store, log, pick: pickFirst }
    const conv = `c-${++n}`
    // a size question without figures leaves a pending question (JSON with Chinese) on the conversation
    await handleMessage(engine, message('穿什么码', conv), deps)
    const seen = await (await watch(a!.redis, prefix))(async () => {
      const { response } = await handleMessage(engine, message('包邮吗', conv), deps)
      expect(response.action).toBe('reply')
    })
    // one EVALSHA: the copy's encoding is the script's byte for byte (multi-byte text included),
    // else the commit would refuse it and a second would follow
    expect(seen.sent.map((c) => c[0])).toEqual(['evalsha'])
    // inside it the conversation is read by the basis check (no HMGET after it) and read back once
    // written, for the next copy
    const reads = seen.lua.filter((c) => c[1]?.endsWith(`conv:${conv}`) && ['hgetall', 'hmget', 'hget'].includes(c[0]!))
    expect(reads.map((c) => c[0])).toEqual(['hgetall', 'hgetall'])
    expect(seen.lua.findIndex((c) => c[0] === 'hset' && c[1]?.endsWith(`conv:${conv}`))).toBeGreaterThan(seen.lua.findIndex((c) => c[0] === 'hgetall'))
  })

  it('a desk claimed the chat through another instance: the copy is refused and the bot stays silent', async () => {
    const [a, b] = await instances(2)
    const conv = `c-${++n}`
    await handleMessage(engine, message('你好', conv), { store: a!.store, log, pick: pickFirst })
    // instance b hands the buyer over and an agent takes the chat there
    const handed = await handleMessage(engine, message('我的快递到哪了', conv), { store: b!.store, log, pick: pickFirst })
    expect(handed.response.action).toBe('handoff')
    const claimed = await b!.store.claim('default', 'agent-1', 0)
    expect(claimed?.conversationId).toBe(conv)
    // a's copy still says no ticket: deciding on it would answer; the commit refuses it
    const sent = await scriptsSent(a!.redis, async () => {
      const { response } = await handleMessage(engine, message('包邮吗', conv), { store: a!.store, log, pick: pickFirst })
      expect(response.action).toBe('silent')
    })
    expect(sent).toEqual(['evalsha', 'evalsha'])
    // and the agent sees the message in the ticket's chat
    const ticket = await b!.store.heartbeat('default', claimed!.id, 'agent-1')
    expect(ticket.chat?.map((c) => c.text)).toContain('包邮吗')
  })

  it('a claim through the same instance and its lapse are seen too', async () => {
    const [a] = await instances(1)
    const deps = { store: a!.store, log, pick: pickFirst }
    const conv = `c-${++n}`
    await handleMessage(engine, message('我的快递到哪了', conv), deps)
    const claimed = await a!.store.claim('default', 'agent-1', 0, Date.now())
    expect(claimed?.conversationId).toBe(conv)
    expect((await handleMessage(engine, message('包邮吗', conv), deps)).response.action).toBe('silent')
    // the agent vanishes: past the claim timeout the commit's settle() requeues the chat, which
    // changes the conversation, so the copy written with "claimed" is refused once more
    const later = Date.now() + 5_000
    const { response } = await handleMessage(engine, message('包邮吗', conv), { ...deps, now: () => later })
    expect(response.action).not.toBe('silent')
  })

  it('two messages of one conversation in flight on one instance: the second is decided on the first\'s outcome', async () => {
    const [a] = await instances(1)
    const conv = `c-${++n}`
    const start = Date.now()
    await handleMessage(engine, message('你好', conv), { store: a!.store, log, pick: pickFirst, now: () => start })
    // a day later the buyer opens the chat twice at once: one "welcome back", not two
    const later = { store: a!.store, log, pick: pickFirst, now: () => start + 86_400_000 }
    const enter = (): BuyerMessage => ({ ...message('', conv), type: 'enter', text: undefined })
    const both = await Promise.all([handleMessage(engine, enter(), later), handleMessage(engine, enter(), later)])
    expect(both.map((o) => o.response.action).sort()).toEqual(['reply', 'silent'])
  })

  it('Redis gone while the copy says an agent holds the chat: 503, not a silent 200 that loses the message', async () => {
    const [a] = await instances(1)
    const deps = { store: a!.store, log, pick: pickFirst }
    const conv = `c-${++n}`
    await handleMessage(engine, message('我的快递到哪了', conv), deps)
    await a!.store.claim('default', 'agent-1', 0)
    // refused once (the claim changed the conversation), then silent: the copy now says "claimed"
    expect((await handleMessage(engine, message('在吗', conv), deps)).response.action).toBe('silent')
    a!.redis.disconnect()
    await expect(handleMessage(engine, message('还在吗', conv), deps)).rejects.toMatchObject({ code: 'AR_ERR_STORE_UNAVAILABLE' })
  })

  it('a redelivery is still answered from its record', async () => {
    const [a] = await instances(1)
    const deps = { store: a!.store, log, pick: pickFirst }
    const conv = `c-${++n}`
    await handleMessage(engine, message('你好', conv), deps)
    const msg = message('我的快递到哪了', conv)
    const first = await handleMessage(engine, msg, deps)
    const again = await handleMessage(engine, msg, deps)
    expect(again).toEqual({ ...first, duplicate: true })
  })
})

describe('ConversationCopies', () => {
  it('keeps the most recently written copies, up to its bound', () => {
    const c = new ConversationCopies(2)
    c.set('a', ['f', '1'])
    c.set('b', ['f', '2'])
    c.set('a', ['f', '3']) // written again: now the newest
    c.set('c', ['f', '4'])
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([['f', '3'], undefined, ['f', '4']])
    expect(c.size).toBe(2)
  })

  it('encodes every field by its UTF-8 length, so a value cannot pass for more fields', () => {
    // without the lengths both would read "buyerId x ticketId t1"
    const forged = encodeBasis(['buyerId', 'x\u0000ticketId\u0000t1'])
    const real = encodeBasis(['buyerId', 'x', 'ticketId', 't1'])
    expect(forged).not.toBe(real)
    expect(encodeBasis(['buyerId', '小美😊'])).toBe('7:buyerId10:小美😊')
  })
})
