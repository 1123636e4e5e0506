/**
 * Redis that is up but refuses the service's commands (issue #14, item 8): an ACL without EVAL
 * (NOPERM) stands for every unexpected refusal (MOVED from a cluster node, …). Answerable messages
 * are still answered, handoffs get 503 with Retry-After, /readyz says not ready. Real Redis, a
 * throwaway ACL user.
 */
import { describe, it, expect, afterAll } from 'vitest'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { build, msg } from '../helpers/build.js'
import { REDIS_URL, redisPrefixes } from '../helpers/redis.js'

const user = `ar-test-${randomUUID().slice(0, 8)}`
const pass = randomUUID()
const newPrefix = redisPrefixes()
afterAll(async () => {
  const admin = new Redis(REDIS_URL)
  await admin.call('ACL', 'DELUSER', user).catch(() => undefined)
  admin.disconnect()
})

describe('Redis refusing scripts (NOPERM)', () => {
  it('answers what the rules answer, refuses handoffs with 503, and /readyz is 503', async () => {
    const admin = new Redis(REDIS_URL)
    await admin.call('ACL', 'SETUSER', user, 'on', `>${pass}`, '~*', '&*', '+@all', '-eval', '-evalsha', '-fcall', '-script')
    admin.disconnect()
    const url = new URL(REDIS_URL)
    url.username = user
    url.password = pass
    const app = await build({ env: { REDIS_URL: url.toString(), REDIS_PREFIX: newPrefix() } })

    const answered = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('包邮吗') })
    expect(answered.statusCode).toBe(200)
    expect(answered.json()).toMatchObject({ action: 'reply', degraded: true })

    const handoff = await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('我的快递到哪了') })
    expect(handoff.statusCode).toBe(503)
    expect(handoff.json().code).toBe('AR_ERR_STORE_UNAVAILABLE')
    expect(handoff.headers['retry-after']).toBe('5')

    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(503)
    expect(ready.json().store.ok).toBe(false)
  })
})
