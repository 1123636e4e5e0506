/**
 * A desk that gives up on a long-poll claim (tab closed, an HTTP client timeout shorter than waitMs)
 * must not be handed the next chat: nobody would answer it until the claim timeout, minutes of the
 * buyer's 3-minute window. Over a real socket, since inject cannot hang up mid-request.
 */
import { describe, it, expect, afterEach } from 'vitest'
import http from 'node:http'
import type { Redis } from 'ioredis'
import { build, msg } from '../helpers/build.js'
import { createEmbeddedStore, createRedisStore } from '../../src/store/index.js'
import type { Store, Ticket } from '../../src/store/types.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'
import { until } from '../helpers/until.js'

const newPrefix = redisPrefixes()
const clients: Redis[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
})

const kinds = [
  ['embedded', async (): Promise<Store> => createEmbeddedStore()],
  ['redis', async (): Promise<Store> => {
    const redis = await readyClient()
    clients.push(redis)
    const prefix = newPrefix()
    return createRedisStore({ redis, prefix })
  }]
] as const

describe.each(kinds)('abandoned long-poll claim (%s store)', (_name, create) => {
  it('a ticket that arrives after the desk hung up stays in the queue for the next agent', async () => {
    const inner = await create()
    // the test must know when the abandoned poll is over, whatever it did
    const settled: Array<{ agentId: string; ticket: Ticket | null }> = []
    const store: Store = { ...inner, claim: async (shop, agentId, waitMs, now) => {
      const ticket = await inner.claim(shop, agentId, waitMs, now)
      settled.push({ agentId, ticket })
      return ticket
    } }
    const app = await build({ store })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const stats = async () => (await app.inject({ method: 'GET', url: '/v1/handoff/stats' })).json()

    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/handoff/claim', headers: { 'content-type': 'application/json' } })
    req.on('error', () => {}) // the hang-up below is the point
    const closed = new Promise((resolve) => req.on('close', resolve))
    req.end(JSON.stringify({ agentId: 'gone', waitMs: 10_000 }))
    // the claim registers its agent on its first look at the queue: hang up only after that
    await until(async () => (await stats()).agentsOnline === 1, 'the long poll to start')
    req.destroy()
    await closed

    const { handoff } = (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })).json()
    await until(() => settled.some((s) => s.agentId === 'gone'), 'the abandoned poll to end')
    // it may have taken the ticket before noticing the hang-up; then it must have handed it back
    expect(await stats()).toMatchObject({ waiting: 1, claimed: 0 })
    const next = await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })
    expect(next.json()).toMatchObject({ id: handoff.ticketId, agentId: 'alice' })
  })
})
