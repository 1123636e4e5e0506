/**
 * One buyer message costs two Redis round trips on the service's connection: `receive` (the
 * redelivery's record, else the conversation after one settle) and `commit` (everything the message
 * changes, and the replies as sent); a redelivery costs one. Counted with MONITOR on the real Redis:
 * every command the store's connection sends, and the commands the scripts run (test/helpers/monitor.ts),
 * so the figure is commands, not timings.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest'
import { Redis } from 'ioredis'
import type { ShopEngine } from '../../src/engine/engine.js'
import { engineFor } from '../helpers/engine.js'
import { handleMessage, type BuyerMessage } from '../../src/service/handle-message.js'
import { pickFirst } from '../../src/engine/answer.js'
import { DEMO_RULES } from '../helpers/build.js'
import { createRedisStore, type Store } from '../../src/store/index.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'
import { watch, type Seen } from '../helpers/monitor.js'

const log = { warn () {} }
let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(DEMO_RULES) })

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(() => { for (const c of clients.splice(0)) c.disconnect() })

/** The store on its own connection, and a MONITOR that records what that connection and the scripts run. */
async function setup (): Promise<{ store: Store; count: (work: () => Promise<unknown>) => Promise<Seen> }> {
  const redis = await readyClient()
  const prefix = newPrefix()
  clients.push(redis)
  return { store: createRedisStore({ redis, prefix }), count: await watch(redis, prefix) }
}

let n = 0
const message = (text: string, conversationId = `c-${++n}`): BuyerMessage => ({ messageId: `rt-${++n}`, conversationId, buyerId: `b-${n}`, shopId: 'default', type: 'text', text })
const scripts = (s: Seen) => s.sent.map((c) => c[0])
/** settle() looks at the consumer group of each of the two streams once */
const settles = (s: Seen) => s.lua.filter((c) => c[0] === 'xinfo').length / 2

describe('Redis round trips per buyer message', () => {
  it('an answered message: two scripts (receive, commit), one settle', async () => {
    const { store, count } = await setup()
    const deps = { store, log, pick: pickFirst }
    // the scripts are loaded on the first call (NOSCRIPT, then EVAL); from then on it is EVALSHA
    await handleMessage(engine, message('包邮吗'), deps)
    const seen = await count(async () => {
      const { response } = await handleMessage(engine, message('包邮吗'), deps)
      expect(response.action).toBe('reply')
    })
    expect(scripts(seen)).toEqual(['evalsha', 'evalsha'])
    expect(settles(seen)).toBeLessThanOrEqual(1)
  })

  it('a handoff: two scripts, one settle, the holding reply filled in by the commit', async () => {
    const { store, count } = await setup()
    const deps = { store, log, pick: pickFirst }
    await handleMessage(engine, message('我的快递到哪了'), deps)
    let position = -1
    const seen = await count(async () => {
      const { response } = await handleMessage(engine, message('我的快递到哪了'), deps)
      expect(response.action).toBe('handoff')
      position = response.handoff!.position
      expect(response.replies.map((r) => r.text).join('')).not.toMatch(/\{position\}|\{agents\}/)
    })
    expect(position).toBe(1)
    expect(scripts(seen)).toEqual(['evalsha', 'evalsha'])
    expect(settles(seen)).toBeLessThanOrEqual(1)
    expect(seen.lua.filter((c) => c[0] === 'xadd')).toHaveLength(1)
    if (process.env.PRINT_COMMANDS) console.log('handoff', seen.lua.length, seen.lua.map((c) => c[0]).join(' '))
  })

  it('while no ticket waits undelivered and no desk holds a raw claim, settle reads no consumer group', async () => {
    const { store, count } = await setup()
    const deps = { store, log, pick: pickFirst }
    await handleMessage(engine, message('包邮吗'), deps)
    const quiet = await count(() => handleMessage(engine, message('包邮吗'), deps))
    expect(quiet.lua.filter((c) => c[0] === 'xinfo')).toEqual([])
    // a waiting ticket is one a desk could take off the stream: from then on its stream is looked at
    await handleMessage(engine, message('我的快递到哪了'), deps)
    const waiting = await count(() => handleMessage(engine, message('包邮吗'), deps))
    expect(waiting.lua.filter((c) => c[0] === 'xinfo').map((c) => c[2]!.replace(/^.*:/, ''))).toEqual(['normal'])
  })

  it('a redelivery: one script, nothing settled or written', async () => {
    const { store, count } = await setup()
    const deps = { store, log, pick: pickFirst }
    const msg = message('我的快递到哪了')
    const first = await handleMessage(engine, msg, deps)
    const seen = await count(async () => {
      const again = await handleMessage(engine, msg, deps)
      expect(again).toEqual({ ...first, duplicate: true })
    })
    expect(scripts(seen)).toEqual(['evalsha'])
    expect(seen.lua.map((c) => c[0])).toEqual(['get'])
  })
})
