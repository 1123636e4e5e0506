/**
 * The Redis outbox: one stream per shop with the consumer group 'senders', so any instance may send
 * and each entry is handed to one sender at a time; an instance that dies mid-send leaves its
 * entries pending, and another takes them over (XCLAIM) once the lease in outbox:inflight lapses.
 * Every change is one Lua script (lua/, key count in the name); keys are under the shop's hash tag.
 * @see https://redis.io/docs/latest/develop/data-types/streams/#consumer-groups
 */
import { readFileSync, readdirSync } from 'node:fs'
import type { RedisClient } from '../../store/redis/client.js'
import type { DeadLetter, Lease, MessageStatus, OutboundMessage, Outbox, OutboxOptions, OutboxStats } from '../types.js'
import { OUTBOX_DEFAULTS } from '../types.js'
import { unavailable } from '../../store/redis/unavailable.js'

const LUA_DIR = new URL('./lua/', import.meta.url)
const NAMES = ['enqueue', 'take', 'sent', 'retry', 'fail'] as const
type Scripts = Record<typeof NAMES[number], (...args: Array<string | number>) => Promise<unknown>>

function defineScripts (redis: RedisClient): Scripts {
  const files = readdirSync(LUA_DIR).sort()
  const prelude = files.filter((f) => f.startsWith('_')).map((f) => readFileSync(new URL(f, LUA_DIR), 'utf8')).join('\n')
  const r = redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>
  for (const file of files) {
    const m = /^([a-z]+)-(\d+)\.lua$/.exec(file)
    if (!m || typeof r[`ar_outbox_${m[1]}`] === 'function') continue
    redis.defineCommand(`ar_outbox_${m[1]}`, { numberOfKeys: Number(m[2]), lua: `${prelude}\n${readFileSync(new URL(file, LUA_DIR), 'utf8')}` })
  }
  return Object.fromEntries(NAMES.map((n) => [n, (...a: Array<string | number>) => r[`ar_outbox_${n}`]!.call(redis, ...a)])) as Scripts
}


export interface RedisOutboxOptions extends OutboxOptions { redis: RedisClient; prefix?: string }

export function createRedisOutbox (opts: RedisOutboxOptions): Outbox {
  const { redis } = opts
  const prefix = opts.prefix ?? 'ar:'
  const leaseMs = opts.leaseMs ?? OUTBOX_DEFAULTS.leaseMs
  const retention = opts.retentionMs ?? OUTBOX_DEFAULTS.retentionMs
  const deadMax = opts.deadLetterMax ?? OUTBOX_DEFAULTS.deadLetterMax
  const s = defineScripts(redis)
  const base = (shop: string) => `${prefix}{${shop}}:`
  const msgKey = (shop: string, id: string) => `${base(shop)}outbox:msg:${id}`
  const shopOf = (lease: Lease) => lease.message.shopId

  return {
    kind: 'redis',

    async enqueue (msg: OutboundMessage, now = Date.now()) {
      const added = await s.enqueue(msgKey(msg.shopId, msg.id), base(msg.shopId), now, msg.id, JSON.stringify(msg), retention).catch(unavailable)
      return { duplicate: added === 0 }
    },

    async take (shop, consumer, count, now = Date.now()) {
      const rows = await s.take(`${base(shop)}outbox`, base(shop), now, consumer, count, leaseMs, retention).catch(unavailable) as Array<[string, string, number]>
      return rows.map(([entry, json, attempts]) => ({ message: JSON.parse(json) as OutboundMessage, attempt: Number(attempts), token: entry, consumer }))
    },

    async sent (lease, now = Date.now()) {
      const m = lease.message
      return (await s.sent(msgKey(m.shopId, m.id), base(shopOf(lease)), now, m.id, lease.token, retention).catch(unavailable)) === 1
    },

    async retry (lease, reason, delayMs, now = Date.now()) {
      const m = lease.message
      return (await s.retry(msgKey(m.shopId, m.id), base(m.shopId), now, m.id, lease.token, lease.consumer, reason, Math.max(0, Math.round(delayMs))).catch(unavailable)) === 1
    },

    async fail (lease, reason, now = Date.now()) {
      const m = lease.message
      return (await s.fail(msgKey(m.shopId, m.id), base(m.shopId), now, m.id, lease.token, lease.consumer, reason, deadMax, retention).catch(unavailable)) === 1
    },

    async status (shop, id): Promise<MessageStatus | null> {
      const h = await redis.hgetall(msgKey(shop, id)).catch(unavailable)
      if (!h.status) return null
      return { status: h.status as MessageStatus['status'], attempts: Number(h.attempts), at: Number(h.at), ...(h.reason ? { reason: h.reason } : {}) }
    },

    async stats (shop, now = Date.now()): Promise<OutboxStats> {
      const b = base(shop)
      const [depth, oldest, counts] = await Promise.all([
        redis.zcard(`${b}outbox:queued`),
        redis.zrange(`${b}outbox:queued`, '0', '0', 'WITHSCORES'),
        redis.hmget(`${b}outbox:counts`, 'sent', 'failed')
      ]).catch(unavailable)
      return { depth, oldestAgeMs: oldest[1] ? Math.max(0, now - Number(oldest[1])) : 0, sent: Number(counts[0] ?? 0), failed: Number(counts[1] ?? 0) }
    },

    async deadLetters (shop, limit): Promise<DeadLetter[]> {
      const ids = await redis.lrange(`${base(shop)}outbox:dead`, 0, limit - 1).catch(unavailable)
      const out: DeadLetter[] = []
      for (const id of ids) {
        const h = await redis.hgetall(msgKey(shop, id)).catch(unavailable)
        if (h.json) out.push({ message: JSON.parse(h.json) as OutboundMessage, reason: h.reason ?? '', attempts: Number(h.attempts), at: Number(h.at) })
      }
      return out
    },

    async close () {}
  }
}
