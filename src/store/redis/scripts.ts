/**
 * The Lua scripts of the Redis store (lua/*.lua, one per file, `name-N.lua` declaring N keys),
 * each loaded after the constants below and the shared `_*.lua` files in name order. The
 * constants are written into the scripts once, at load, from the TypeScript values the rest of
 * the store uses, so no number or name is repeated in Lua; options that differ per store (claim
 * timeout, TTLs) are ARGV of each call instead.
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 */
import { readFileSync, readdirSync } from 'node:fs'
import type { RedisClient } from './client.js'
import { DAY, DEFAULT_CHANNEL, THREE_MINUTES } from '../ticket-order.js'
import type { Priority } from '../../engine/types.js'

/** Names and figures the scripts share with TypeScript and with desks reading the streams (README). */
export const SCRIPT_CONSTANTS = {
  DAY_MS: DAY,
  THREE_MINUTES_MS: THREE_MINUTES,
  /** the consumer group desks and the service claim through */
  GROUP: 'agents',
  /** consumer that holds the entries of tickets back in the queue after a claim, so a desk's own
   *  pending list (XPENDING ... <me>) only ever shows chats it still holds */
  PARKED: '_queue',
  /** claim-order score: priority band × PRIORITY_BAND + sequence (urgent band 0, normal band 1) */
  PRIORITY_BAND: 1e13,
  /** lapsed claims kept for ticket.requeued events */
  REQUEUED_MAX: 1000,
  /** desks' stream reads taken over per settle() call per stream (the next call goes on) */
  SETTLE_BATCH: 100,
  /** the two priorities (src/engine/types.ts), urgent first: stream q:<priority>, band 0 and 1 */
  URGENT: 'urgent' satisfies Priority,
  NORMAL: 'normal' satisfies Priority,
  /** the channel of a conversation that never named one (src/store/ticket-order.ts) */
  DEFAULT_CHANNEL,
  /** chat entries per ticket in a desk's queue list: enough to find the buyer's latest line */
  QUEUE_CHAT_TAIL: 4,
  /** example texts kept per unanswered question and day (GET /v1/analytics/unmatched) */
  UNMATCHED_EXAMPLES: 5,
  /** the 24-hour window of created tickets is trimmed every this many tickets (it is read by score) */
  CREATED_TRIM_EVERY: 32
} as const

export const SCRIPT_NAMES = ['receive', 'commit', 'conversation', 'claim', 'heartbeat', 'resolve', 'release', 'ticket', 'stats', 'reply', 'delivery', 'replystats', 'queue', 'pick', 'requeued'] as const
export type ScriptName = typeof SCRIPT_NAMES[number]
export type Scripts = Record<ScriptName, (...args: Array<string | number>) => Promise<unknown>>

const LUA_DIR = new URL('./lua/', import.meta.url)

function luaValue (v: string | number): string {
  // JSON's string escapes are valid in Lua for the plain names used here
  return typeof v === 'number' ? String(v) : JSON.stringify(v)
}

/** The chunk every script starts with: `local NAME = value` for each constant. */
export function constantsChunk (): string {
  return Object.entries(SCRIPT_CONSTANTS).map(([k, v]) => `local ${k} = ${luaValue(v)}`).join('\n')
}

/** Each script as Redis runs it: its key count and its source behind the constants and the shared files. */
export function scriptSources (): Map<ScriptName, { keys: number; lua: string }> {
  const files = readdirSync(LUA_DIR).sort()
  const shared = files.filter((f) => f.startsWith('_') && f.endsWith('.lua')).map((f) => readFileSync(new URL(f, LUA_DIR), 'utf8'))
  const head = [constantsChunk(), ...shared].join('\n')
  const sources = new Map<ScriptName, { keys: number; lua: string }>()
  for (const file of files) {
    const m = /^([a-z]+)-(\d+)\.lua$/.exec(file)
    if (!m) continue
    sources.set(m[1] as ScriptName, { keys: Number(m[2]), lua: `${head}\n${readFileSync(new URL(file, LUA_DIR), 'utf8')}` })
  }
  return sources
}

/** Defines every script on the client (once per client) and returns them by name. */
export function defineScripts (redis: RedisClient): Scripts {
  const r = redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>
  for (const [name, { keys, lua }] of scriptSources()) {
    if (typeof r[`ar_${name}`] === 'function') continue
    redis.defineCommand(`ar_${name}`, { numberOfKeys: keys, lua })
  }
  return Object.fromEntries(SCRIPT_NAMES.map((n) => [n, (...a: Array<string | number>) => r[`ar_${n}`]!.call(redis, ...a)])) as Scripts
}
