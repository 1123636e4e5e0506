/**
 * A redelivery is answered from the idempotency record as first sent. Records written before the
 * commit returned the final replies (kept for the idempotency TTL, 24 h, across an upgrade) hold
 * the decided replies and the ticket: their position and offline wording are filled in as then.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import type { ShopEngine } from '../../src/engine/engine.js'
import { engineFor } from '../helpers/engine.js'
import { handleMessage } from '../../src/service/handle-message.js'
import { DEMO_RULES } from '../helpers/build.js'
import { createRedisStore } from '../../src/store/index.js'
import { readyClient, redisPrefixes } from '../helpers/redis.js'

const log = { warn () {} }
let engine: ShopEngine
beforeAll(async () => { engine = await engineFor(DEMO_RULES) })
const prefix = redisPrefixes()

describe('replaying a record from before the commit returned the replies', () => {
  it('fills in the position, and the offline wording with nobody online', async () => {
    const redis = await readyClient()
    try {
      const p = prefix()
      const store = createRedisStore({ redis, prefix: p })
      const ticket = { id: 't-old', position: 2, priority: 'normal', reason: 'unmatched', created: true, agentsOnline: 0 }
      const old = (agentsOnline: number) => JSON.stringify({
        body: { action: 'handoff', replies: ['收到', '前面还有{position}位'], matched: [], offlineReply: '现在没有客服在线，稍后回复您' },
        ticket: { ...ticket, agentsOnline }
      })
      await redis.set(`${p}{default}:idem:old-1`, old(0))
      await redis.set(`${p}{default}:idem:old-2`, old(3))
      const send = (messageId: string) => handleMessage(engine, { messageId, conversationId: 'c', buyerId: 'b', shopId: 'default', type: 'text', text: '在吗' }, { store, log })
      const offline = await send('old-1')
      expect(offline.duplicate).toBe(true)
      expect(offline.response.replies.map((r) => r.text)).toEqual(['收到', '现在没有客服在线，稍后回复您'])
      expect(offline.response.handoff).toEqual({ ticketId: 't-old', position: 2, priority: 'normal', reason: 'unmatched', agentsOnline: 0 })
      expect((await send('old-2')).response.replies.map((r) => r.text)).toEqual(['收到', '前面还有2位'])
    } finally { redis.disconnect() }
  })
})
