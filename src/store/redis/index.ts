/**
 * The Redis store. Every multi-step change is one Lua script (src/store/redis/lua, one per file,
 * key count in the name), so a crash never leaves half a ticket. Keys of a shop share the hash tag
 * {shop}; the layout is documented in README.md ("The queue in Redis") for consumers in other languages.
 * @see https://redis.io/docs/latest/develop/data-types/streams/
 */
import { randomUUID } from 'node:crypto'
import { ReplyError } from 'ioredis'
import type {
  AgentMessage, Arrival, RequeuedTicket, CommitInput, CommitResult, StaleCommit, ConversationHistory, ConversationState, Delivery, HandoffStats, HistoryEntry,
  ReplyResult, ReplyStats, Store, Ticket, TicketRef, UnmatchedCount, ChatEntry, QueueEntry
} from '../types.js'
import { ERR_NOT_TICKET_OWNER, ERR_TICKET_NOT_FOUND } from '../../errors.js'
import { unavailable } from './unavailable.js'
import { defineScripts } from './scripts.js'
import { ConversationCopies, encodeBasis } from './conversation-copies.js'
import type { RedisClient } from './client.js'
import { DAY, DEFAULTS, DEFAULT_CHANNEL, dayKey } from '../ticket-order.js'

export interface RedisStoreOptions {
  /** one server or a Redis Cluster (./client.ts): every command and script touches one shop's slot */
  redis: RedisClient
  prefix?: string
  claimTimeoutMs?: number
  idempotencyTtlMs?: number
  conversationTtlMs?: number
  /** how long a conversation's history (and its delivery records) is kept after its last message */
  historyTtlMs?: number
  historyMaxEntries?: number
}

/** Not-found and not-owner come back from the scripts as error replies; anything else is `unavailable`. */
function mapError (err: unknown, id = ''): never {
  if (err instanceof ReplyError) {
    const message = (err as Error).message
    if (message.includes('AR_NOT_FOUND')) throw new ERR_TICKET_NOT_FOUND(id)
    if (message.includes('AR_NOT_OWNER')) throw new ERR_NOT_TICKET_OWNER(id)
  }
  return unavailable(err)
}

function pairs (flat: string[]): Record<string, string> {
  const o: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) o[flat[i]!] = flat[i + 1]!
  return o
}

function toTicket (shopId: string, reply: [string[], string[]]): Ticket {
  const h = pairs(reply[0])
  const t: Ticket = {
    id: h.id!, shopId, conversationId: h.conversationId!, buyerId: h.buyerId!,
    priority: h.priority as Ticket['priority'], reason: h.reason as Ticket['reason'],
    status: h.status as Ticket['status'], createdAt: Number(h.createdAt),
    chat: reply[1].map((c) => JSON.parse(c) as ChatEntry)
  }
  if (h.claimedAt) t.claimedAt = Number(h.claimedAt)
  if (h.agentId) t.agentId = h.agentId
  return t
}

type QueueRow = [Array<string | null>, string[]]

function toQueueEntry (row: QueueRow, position: number | undefined): QueueEntry | null {
  const [id, conversationId, buyerId, priority, reason, status, createdAt, claimedAt, agentId] = row[0]
  // a ticket resolved between the ZRANGE and HMGET cannot happen inside one script, but a
  // sorted-set member without its hash (an expired key) must not break the list
  if (!id) return null
  const chat = row[1].map((c) => JSON.parse(c) as ChatEntry)
  const e: QueueEntry = {
    id, conversationId: conversationId!, buyerId: buyerId!, priority: priority as QueueEntry['priority'],
    reason: reason as QueueEntry['reason'], status: status as QueueEntry['status'], createdAt: Number(createdAt),
    lastAt: chat.at(-1)?.at ?? Number(createdAt)
  }
  if (claimedAt) e.claimedAt = Number(claimedAt)
  if (agentId && status === 'claimed') e.agentId = agentId
  if (position !== undefined) e.position = position
  const buyer = [...chat].reverse().find((c) => c.role === 'buyer')
  if (buyer) e.lastBuyerText = buyer.text
  if (buyer?.nickname) e.nickname = buyer.nickname
  return e
}

const CLAIM_POLL_MS = [25, 50, 100, 200, 250]

/** A poll's pause that an abort (shutdown) cuts short. */
function abortableSleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
const FIRST_CONNECT_WAIT_MS = 2000

/**
 * Without an offline queue a command fails at once while the client is not connected: right during
 * an outage (the webhook answers degraded or 503 instead of hanging), wrong for a freshly started
 * instance whose first connection is still being made, which refused its first messages. Commands
 * wait for that first connection, bounded; after it (or the bound) they fail fast again.
 */
function firstConnection (redis: RedisClient, maxWaitMs: number): () => Promise<void> | undefined {
  if (redis.status === 'ready') return () => undefined
  let pending: Promise<void> | undefined = new Promise<void>((resolve) => {
    const done = () => { clearTimeout(timer); redis.off('ready', done); pending = undefined; resolve() }
    const timer = setTimeout(done, maxWaitMs)
    timer.unref()
    redis.on('ready', done)
  })
  return () => pending
}

export function createRedisStore (opts: RedisStoreOptions): Store {
  const { redis } = opts
  const prefix = opts.prefix ?? 'ar:'
  const claimTimeoutMs = opts.claimTimeoutMs ?? DEFAULTS.claimTimeoutMs
  const idemTtl = opts.idempotencyTtlMs ?? DEFAULTS.idempotencyTtlMs
  const convTtl = opts.conversationTtlMs ?? DEFAULTS.conversationTtlMs
  const analyticsTtlSec = DEFAULTS.unmatchedDays * 86_400
  const historyTtl = opts.historyTtlMs ?? DEFAULTS.historyTtlMs
  const historyMax = opts.historyMaxEntries ?? DEFAULTS.historyMaxEntries
  const s = defineScripts(redis)
  const connected = firstConnection(redis, FIRST_CONNECT_WAIT_MS)
  const base = (shop: string) => `${prefix}{${shop}}:`
  const parseRecord = (json: string, duplicate: boolean): CommitResult => {
    // `replies` is absent from records written before the commit returned them (kept 24 h)
    const r = JSON.parse(json) as { body: unknown; ticket: TicketRef | null; replies?: string[] }
    return { duplicate, body: r.body, ...(r.ticket ? { ticket: r.ticket } : {}), ...(r.replies ? { replies: r.replies } : {}) }
  }
  const toState = (flat: string[], now: number): ConversationState => {
    const h = pairs(flat)
    const state: ConversationState = {}
    if (h.lastSeenAt) state.lastSeenAt = Number(h.lastSeenAt)
    if (h.pending) {
      const p = JSON.parse(h.pending) as ConversationState['pending']
      if (p && p.until > now) state.pending = p
    }
    if (h.ticketId) state.ticket = { id: h.ticketId, status: h.ticketStatus as 'waiting' | 'claimed', ...(h.agentId ? { agentId: h.agentId } : {}) }
    if (h.channel) state.channel = h.channel
    if (h.lastAgentId) state.lastAgentId = h.lastAgentId
    return state
  }
  let closed = false
  const copies = new ConversationCopies()

  const claimOnce = async (shop: string, agentId: string, now: number): Promise<Ticket | null> => {
    await connected()
    const reply = await s.claim(`${base(shop)}waiting`, base(shop), now, agentId, claimTimeoutMs).catch((e) => mapError(e))
    return reply ? await withDeliveries(shop, toTicket(shop, reply as [string[], string[]])) : null
  }

  /** Delivery records of the outgoing lines (one MGET, only when there are any). */
  const withDeliveries = async <T extends { chat?: ChatEntry[]; messages?: ChatEntry[] }>(shop: string, holder: T): Promise<T> => {
    const lines = (holder.chat ?? holder.messages ?? []).filter((c) => c.role !== 'buyer' && c.messageId)
    if (lines.length === 0) return holder
    const found = await redis.mget(...lines.map((c) => `${base(shop)}delivery:${c.messageId}`)).catch((e) => mapError(e))
    lines.forEach((c, i) => { if (found[i]) c.delivery = JSON.parse(found[i]!) as Delivery })
    return holder
  }

  // overloaded as Store.commit is: without a basis the result is never stale
  function commit (input: CommitInput & { basis?: undefined }): Promise<CommitResult>
  function commit (input: CommitInput): Promise<CommitResult | StaleCommit>
  async function commit (input: CommitInput): Promise<CommitResult | StaleCommit> {
    await connected()
    const b = base(input.shopId)
    const key = `${b}conv:${input.conversationId}`
    const pendingMode = input.pending === undefined ? 'keep' : input.pending === null ? 'clear' : 'set'
    const reply = await s.commit(
      `${b}idem:${input.messageId}`, b, input.now, input.conversationId, input.buyerId, input.lastSeenAt,
      pendingMode, input.pending ? JSON.stringify(input.pending) : '',
      input.handoff?.reason ?? '', input.handoff?.priority ?? '', randomUUID(),
      input.unmatched?.key ?? '', input.unmatched?.text ?? '', input.unmatched?.day ?? dayKey(input.now),
      JSON.stringify(input.body ?? null), idemTtl, convTtl, claimTimeoutMs, analyticsTtlSec,
      input.channel ?? '', historyTtl, historyMax, input.settled ? '0' : '1', input.basis ?? '',
      ...input.chat.map((c) => JSON.stringify(c))
    ).catch((e) => { copies.delete(key); return mapError(e) }) as [0, string, string[]] | [1, string] | [2, string[]]
    if (reply[0] === 2) {
      copies.set(key, reply[1])
      return { stale: true, state: toState(reply[1], input.now), basis: encodeBasis(reply[1]) }
    }
    if (reply[0] === 0) copies.set(key, reply[2])
    return parseRecord(reply[1], reply[0] === 1)
  }

  return {
    kind: 'redis',

    async getCommitted (shop, messageId) {
      await connected()
      const json = await redis.get(`${base(shop)}idem:${messageId}`).catch((e) => mapError(e))
      return json ? parseRecord(json, true) : null
    },

    async receive (shop, messageId, conversationId, now): Promise<Arrival> {
      const b = base(shop)
      const key = `${b}conv:${conversationId}`
      // a conversation this instance wrote last: decided on its copy, checked by the commit (and a
      // redelivery found by the commit's own idempotency read), so no round trip here
      const copy = copies.get(key)
      if (copy) return { committed: null, state: toState(copy, now), basis: encodeBasis(copy), settled: false }
      await connected()
      const [record, conv] = await s.receive(`${b}idem:${messageId}`, key, b, now, claimTimeoutMs).catch((e) => mapError(e)) as [string | null, string[]?]
      return record ? { committed: parseRecord(record, true), state: {} } : { committed: null, state: toState(conv ?? [], now) }
    },

    async getConversation (shop, conversationId, now): Promise<ConversationState> {
      await connected()
      const flat = await s.conversation(`${base(shop)}conv:${conversationId}`, base(shop), now, claimTimeoutMs).catch((e) => mapError(e)) as string[]
      return toState(flat, now)
    },

    commit,

    async claim (shop, agentId, waitMs, now, signal) {
      const until = Date.now() + waitMs
      let attempt = 0
      for (;;) {
        if (signal?.aborted) return null
        const t = await claimOnce(shop, agentId, now ?? Date.now())
        if (t || Date.now() >= until || closed) return t
        // polling keeps every instance's connection non-blocking; the bound keeps latency low
        const delay = Math.min(CLAIM_POLL_MS[Math.min(attempt++, CLAIM_POLL_MS.length - 1)]!, until - Date.now())
        await abortableSleep(Math.max(0, delay), signal)
      }
    },

    async pick (shop, id, agentId, now = Date.now()) {
      await connected()
      const reply = await s.pick(`${base(shop)}ticket:${id}`, base(shop), now, id, agentId, claimTimeoutMs).catch((e) => mapError(e, id))
      return toTicket(shop, reply as [string[], string[]])
    },

    async heartbeat (shop, id, agentId) {
      await connected()
      const reply = await s.heartbeat(`${base(shop)}claims`, base(shop), Date.now(), id, agentId, claimTimeoutMs).catch((e) => mapError(e, id))
      return await withDeliveries(shop, toTicket(shop, reply as [string[], string[]]))
    },

    async resolve (shop, id, agentId) {
      await connected()
      await s.resolve(`${base(shop)}claims`, base(shop), Date.now(), id, agentId, claimTimeoutMs).catch((e) => mapError(e, id))
    },

    async release (shop, id, agentId) {
      await connected()
      await s.release(`${base(shop)}claims`, base(shop), Date.now(), id, agentId, claimTimeoutMs).catch((e) => mapError(e, id))
    },

    async getTicket (shop, id) {
      await connected()
      // a script, not HGETALL: a chat a desk took with XREADGROUP must read as claimed, by that desk
      const reply = await s.ticket(`${base(shop)}ticket:${id}`, base(shop), Date.now(), id, claimTimeoutMs).catch((e) => mapError(e, id))
      return reply ? await withDeliveries(shop, toTicket(shop, reply as [string[], string[]])) : null
    },

    async stats (shop, now = Date.now()): Promise<HandoffStats> {
      await connected()
      const r = await s.stats(`${base(shop)}waiting`, base(shop), now, claimTimeoutMs).catch((e) => mapError(e)) as Array<number | string>
      const [waiting, urgent, oldest, claimed, online, decided, within, recent] = r
      return {
        waiting: Number(waiting),
        urgent: Number(urgent),
        oldestWaitMs: oldest === '' ? 0 : now - Number(oldest),
        claimed: Number(claimed),
        agentsOnline: Number(online),
        claimedWithin3mShare: Number(decided) > 0 ? Math.min(1, Number(within) / Number(decided)) : null,
        ticketsLast24h: Number(recent)
      }
    },

    async reply (input): Promise<ReplyResult> {
      await connected()
      const b = base(input.shopId)
      const reply = await s.reply(
        `${b}reply:${input.ticketId}:${input.clientMsgId}`, b, input.now ?? Date.now(), input.ticketId, input.agentId, input.text,
        input.messageId ?? randomUUID(), claimTimeoutMs, idemTtl, historyTtl, historyMax
      ).catch((e) => mapError(e, input.ticketId)) as [number, string]
      const { claimed, ...message } = JSON.parse(reply[1]) as AgentMessage & { claimed: boolean }
      return { duplicate: reply[0] === 1, message, claimed }
    },

    async setDelivery (shop, messageId, delivery) {
      await connected()
      await s.delivery(`${base(shop)}delivery:${messageId}`, base(shop), Date.now(), JSON.stringify(delivery), historyTtl).catch((e) => mapError(e))
    },

    async getHistory (shop, conversationId, limit = DEFAULTS.historyMaxEntries): Promise<ConversationHistory | null> {
      const state = await this.getConversation(shop, conversationId, Date.now())
      const b = base(shop)
      const [lines, buyerId] = await Promise.all([
        redis.lrange(`${b}history:${conversationId}`, -limit, -1),
        redis.hget(`${b}conv:${conversationId}`, 'buyerId')
      ]).catch((e) => mapError(e))
      if (lines.length === 0 && !state.ticket) return null
      const history: ConversationHistory = {
        conversationId,
        ...(buyerId ? { buyerId } : {}),
        channel: state.channel ?? DEFAULT_CHANNEL,
        messages: lines.map((l) => JSON.parse(l) as HistoryEntry),
        ...(state.ticket ? { ticket: state.ticket } : {})
      }
      return await withDeliveries(shop, history)
    },

    async replyStats (shop, now = Date.now()): Promise<ReplyStats> {
      await connected()
      const [decided, within, replied] = await s.replystats(`${base(shop)}created`, base(shop), now).catch((e) => mapError(e)) as number[]
      return { repliedWithin3mShare: decided! > 0 ? Math.min(1, within! / decided!) : null, repliedLast24h: Number(replied) }
    },

    async queue (shop, limit, now = Date.now()): Promise<QueueEntry[]> {
      await connected()
      const [waiting, claimed] = await s.queue(`${base(shop)}waiting`, base(shop), now, limit, claimTimeoutMs).catch((e) => mapError(e)) as [QueueRow[], QueueRow[]]
      return [...waiting.map((r, i) => toQueueEntry(r, i)), ...claimed.map((r) => toQueueEntry(r, undefined))].filter((e): e is QueueEntry => e !== null)
    },

    async takeRequeued (shop, limit = 100, now = Date.now()): Promise<RequeuedTicket[]> {
      await connected()
      const rows = await s.requeued(`${base(shop)}requeued`, base(shop), now, claimTimeoutMs, limit).catch((e) => mapError(e)) as string[]
      return rows.map((r) => JSON.parse(r) as RequeuedTicket)
    },

    async topUnmatched (shop, days, limit, now = Date.now(), timeZone = 'UTC'): Promise<UnmatchedCount[]> {
      await connected()
      const b = base(shop)
      const dayKeys = Array.from({ length: days }, (_, d) => `${b}unmatched:${dayKey(now - d * DAY, timeZone)}`)
      const pipe = redis.pipeline()
      for (const k of dayKeys) pipe.zrevrange(k, 0, 999, 'WITHSCORES')
      const results = await pipe.exec().catch((e) => mapError(e))
      const sum = new Map<string, number>()
      for (const [err, flat] of results ?? []) {
        if (err) mapError(err)
        const list = flat as string[]
        for (let i = 0; i < list.length; i += 2) sum.set(list[i]!, (sum.get(list[i]!) ?? 0) + Number(list[i + 1]))
      }
      const top = [...sum].sort((a, b2) => b2[1] - a[1]).slice(0, limit)
      const ex = redis.pipeline()
      for (const [key] of top) for (const k of dayKeys) ex.lrange(`${k}:ex:${key}`, 0, 4)
      const exs = await ex.exec().catch((e) => mapError(e))
      return top.map(([key, count], i) => {
        const examples: string[] = []
        for (let d = 0; d < dayKeys.length; d++) {
          for (const e of (exs?.[i * dayKeys.length + d]?.[1] as string[] | undefined) ?? []) if (examples.length < 5 && !examples.includes(e)) examples.push(e)
        }
        return { key, count, examples }
      })
    },

    async ping (shops = ['default']) {
      // ready means able to run a script on every shop's keys: a PING also succeeds on a cluster
      // node that owns no shop's slot (a single-server client pointed at one node of a cluster
      // gets MOVED for the shops on the others), or for a user whose ACL refuses EVAL. One small
      // script per shop, sent together: on a cluster each goes to the master of that shop's slot.
      try {
        const replies = await Promise.all(shops.map((shop) => redis.eval("return redis.call('EXISTS', KEYS[1])", 1, `${base(shop)}ready`)))
        return replies.every((r) => r !== undefined)
      } catch { return false }
    },

    async close () { closed = true }
  }
}
