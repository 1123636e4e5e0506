/**
 * ChannelState on Redis under `<prefix>ch:`; the conditional changes are one Lua script each
 * (lua/, key count in the file name). INCR and DECR keep a key's TTL, so a window's end is the one
 * set when the buyer last wrote.
 */
import { readFileSync } from 'node:fs'
import type { RedisClient } from '../../store/redis/client.js'
import type { ChannelState, SlotResult } from './types.js'
import { unavailable } from '../../store/redis/unavailable.js'

const LUA = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8')
type Scripted = RedisClient & Record<'ch_delete_if_equals' | 'ch_take_slot' | 'ch_give_slot', (key: string, ...args: Array<string | number>) => Promise<unknown>>

export function createRedisChannelState (redis: RedisClient, prefix: string): ChannelState {
  const r = redis as Scripted
  for (const [cmd, file] of [['ch_delete_if_equals', 'delete-if-equals-1.lua'], ['ch_take_slot', 'take-slot-1.lua'], ['ch_give_slot', 'give-slot-1.lua']] as const) {
    if (typeof r[cmd] !== 'function') redis.defineCommand(cmd, { numberOfKeys: 1, lua: LUA(file) })
  }
  const k = (key: string) => `${prefix}ch:${key}`
  return {
    kind: 'redis',
    // every refusal is the store's rule (unavailable.ts): a 503 the platform retries, not a 500
    async get (key) { return await redis.get(k(key)).catch(unavailable) },
    async set (key, value, ttlMs) {
      if (ttlMs !== undefined) await redis.set(k(key), value, 'PX', Math.max(1, Math.round(ttlMs))).catch(unavailable)
      else await redis.set(k(key), value).catch(unavailable)
    },
    async setIfAbsent (key, value, ttlMs) {
      return (await redis.set(k(key), value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX').catch(unavailable)) === 'OK'
    },
    async deleteIfEquals (key, value) { return (await r.ch_delete_if_equals(k(key), value).catch(unavailable)) === 1 },
    async del (key) { await redis.del(k(key)).catch(unavailable) },
    async openWindow (key, ttlMs) { await redis.set(k(key), '0', 'PX', Math.max(1, Math.round(ttlMs))).catch(unavailable) },
    async takeSlot (key, limit): Promise<SlotResult> {
      const res = await r.ch_take_slot(k(key), limit).catch(unavailable)
      return res === 1 ? 'ok' : res === 0 ? 'closed' : 'full'
    },
    async giveSlot (key) { await r.ch_give_slot(k(key)).catch(unavailable) }
  }
}
