/**
 * ChannelState on Redis under `<prefix>ch:`; the conditional changes are one Lua script each
 * (lua/, key count in the file name). INCR and DECR keep a key's TTL, so a window's end is the one
 * set when the buyer last wrote.
 */
import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import type { ChannelState, SlotResult } from './types.js'

const LUA = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8')
type Scripted = Redis & Record<'ch_delete_if_equals' | 'ch_take_slot' | 'ch_give_slot', (key: string, ...args: Array<string | number>) => Promise<unknown>>

export function createRedisChannelState (redis: Redis, prefix: string): ChannelState {
  const r = redis as Scripted
  for (const [cmd, file] of [['ch_delete_if_equals', 'delete-if-equals-1.lua'], ['ch_take_slot', 'take-slot-1.lua'], ['ch_give_slot', 'give-slot-1.lua']] as const) {
    if (typeof r[cmd] !== 'function') redis.defineCommand(cmd, { numberOfKeys: 1, lua: LUA(file) })
  }
  const k = (key: string) => `${prefix}ch:${key}`
  return {
    kind: 'redis',
    async get (key) { return redis.get(k(key)) },
    async set (key, value, ttlMs) {
      if (ttlMs !== undefined) await redis.set(k(key), value, 'PX', Math.max(1, Math.round(ttlMs)))
      else await redis.set(k(key), value)
    },
    async setIfAbsent (key, value, ttlMs) {
      return (await redis.set(k(key), value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK'
    },
    async deleteIfEquals (key, value) { return (await r.ch_delete_if_equals(k(key), value)) === 1 },
    async del (key) { await redis.del(k(key)) },
    async openWindow (key, ttlMs) { await redis.set(k(key), '0', 'PX', Math.max(1, Math.round(ttlMs))) },
    async takeSlot (key, limit): Promise<SlotResult> {
      const res = await r.ch_take_slot(k(key), limit)
      return res === 1 ? 'ok' : res === 0 ? 'closed' : 'full'
    },
    async giveSlot (key) { await r.ch_give_slot(k(key)) }
  }
}
