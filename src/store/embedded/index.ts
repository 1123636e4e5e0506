/**
 * The embedded store: everything in this process's memory, for a newcomer's first run and for
 * demos. Same behaviour as the Redis store (the same contract tests run against both); nothing
 * survives a restart and instances share nothing. Every operation is O(log n) in the open tickets
 * and kept conversations: the queue, the claims and the 24-hour windows are sorted sets
 * (shop-index.ts), and what Redis keeps with a TTL expires here after the same time (expiring-map.ts).
 */
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type {
  AgentMessage, RequeuedTicket, ChatEntry, CommitInput, CommitResult, ConversationState, Delivery, HandoffStats, HistoryEntry, ReplyResult,
  Store, Ticket, TicketRef, UnmatchedCount, QueueEntry, Priority
} from '../types.js'
import { ERR_NOT_TICKET_OWNER, ERR_TICKET_NOT_FOUND } from '../../errors.js'
import { DAY, DEFAULTS, DEFAULT_CHANNEL, THREE_MINUTES, dayKey, rank } from '../ticket-order.js'
import { renderTemplate } from '../../replies/template.js'
import { ExpiringMap } from './expiring-map.js'
import { PRIORITY_STEP, agentsOnline, handoffStats, newShopIndex, replyStats, type ShopIndex } from './shop-index.js'
import { ZSet } from './zset.js'

export interface EmbeddedStoreOptions {
  claimTimeoutMs?: number; idempotencyTtlMs?: number; conversationTtlMs?: number; historyTtlMs?: number; historyMaxEntries?: number
  /** the clock the TTLs run on, as Redis's run on the server's (default Date.now; tests move it).
   *  The queue's own times (claims, stats windows) come from each call's `now`, as on Redis. */
  clock?: () => number
}

/** Records held, expired ones not yet purged included: what the TTLs keep bounded. */
export interface EmbeddedKept {
  tickets: number; idempotency: number; conversations: number; histories: number; deliveries: number
  replies: number; unmatchedDays: number; preferences: number; requeuedLists: number
}

export interface EmbeddedStore extends Store {
  readonly kind: 'embedded'
  kept(): EmbeddedKept
}

interface Conv extends ConversationState { buyerId?: string }
interface TicketRecord extends Ticket { score: number; lastBeat?: number; firstReplyAt?: number; preferred?: string }

/** As on Redis: a preference (prefer:<agent>) and the requeued list live a day after their last write. */
const PREFER_TTL_MS = DAY
const REQUEUED_TTL_MS = DAY
const REQUEUED_MAX = 1000
/** Expired records dropped per write: more than a write adds, so purging keeps pace at any rate. */
const PURGE_PER_WRITE = 16
/** And by a timer, for an idle store: bounded work per tick. */
const PURGE_EVERY_MS = 5_000
const PURGE_PER_TICK = 2_000

export function createEmbeddedStore (opts: EmbeddedStoreOptions = {}): EmbeddedStore {
  const claimTimeoutMs = opts.claimTimeoutMs ?? DEFAULTS.claimTimeoutMs
  const idemTtl = opts.idempotencyTtlMs ?? DEFAULTS.idempotencyTtlMs
  const historyTtl = opts.historyTtlMs ?? DEFAULTS.historyTtlMs
  const historyMax = opts.historyMaxEntries ?? DEFAULTS.historyMaxEntries
  const clock = opts.clock ?? Date.now
  // shop:messageId → the stored result, the commit's own object, kept for the idempotency TTL and never
  // changed after (a redelivery gets a shallow copy marked duplicate). It was kept as its JSON, which
  // added a string of ~600 bytes a message that outlived every young-generation GC: storing the object
  // the message made anyway gave the webhook +10% req/s (bench/http A/B, docs/benchmarks.md).
  const committed = new ExpiringMap<string, CommitResult>(idemTtl, clock)
  const convs = new ExpiringMap<string, Conv>(opts.conversationTtlMs ?? DEFAULTS.conversationTtlMs, clock)
  const chats = new ExpiringMap<string, HistoryEntry[]>(historyTtl, clock) // shop:conversation → kept history
  const deliveries = new ExpiringMap<string, Delivery>(historyTtl, clock) // shop:messageId → delivery
  const replies = new ExpiringMap<string, AgentMessage & { claimed: boolean }>(idemTtl, clock) // shop:ticket:clientMsgId → recorded reply
  const unmatched = new ExpiringMap<string, Map<string, { count: number; examples: string[] }>>(DEFAULTS.unmatchedDays * DAY, clock) // shop|day → key → count
  const prefer = new ExpiringMap<string, ZSet>(PREFER_TTL_MS, clock) // shop:agent → waiting tickets of buyers they served last
  const requeued = new ExpiringMap<string, RequeuedTicket[]>(REQUEUED_TTL_MS, clock) // shop → lapsed claims not yet handed out
  const expiring = [committed, convs, chats, deliveries, replies, unmatched, prefer, requeued] as Array<ExpiringMap<string, unknown>>
  const tickets = new Map<string, TicketRecord>() // open tickets by shop:id
  const shops = new Map<string, ShopIndex>()
  const wake = new EventEmitter()
  wake.setMaxListeners(0)
  let seq = 0

  const k = (shop: string, id: string) => `${shop}\u0000${id}`
  const purge = (limit: number) => { for (const m of expiring) m.purge(limit) }
  const sweep = setInterval(() => purge(PURGE_PER_TICK), PURGE_EVERY_MS)
  sweep.unref()

  const index = (shop: string): ShopIndex => {
    let s = shops.get(shop)
    if (!s) shops.set(shop, (s = newShopIndex()))
    return s
  }
  const seen = (shop: string, agentId: string, now: number) => { index(shop).agents.add(agentId, now) }
  /** the conversation's link to this ticket (a later ticket of the conversation is not touched) */
  const linkConv = (t: TicketRecord, status: 'waiting' | 'claimed', agentId?: string) => {
    const c = convs.get(k(t.shopId, t.conversationId))
    if (c?.ticket?.id === t.id) c.ticket = { id: t.id, status, ...(agentId ? { agentId } : {}) }
  }
  const ticketOf = (shop: string, id: string) => tickets.get(k(shop, id))

  /** Into the queue at the end of its priority (a new ticket, or one upgraded to urgent). */
  const enqueue = (t: TicketRecord, priority: Priority) => {
    const s = index(t.shopId)
    t.priority = priority
    t.score = rank(priority) * PRIORITY_STEP + ++seq
    s.waiting.add(t.id, t.score)
    s.waitingSince.add(t.id, t.createdAt)
    // the agent who served this buyer last gets it first when they claim (tryClaim), until anyone takes it
    if (t.preferred && t.claimedAt === undefined) {
      const key = k(t.shopId, t.preferred)
      prefer.set(key, prefer.get(key) ?? new ZSet()).add(t.id, t.score)
    }
  }
  const unprefer = (t: TicketRecord) => { if (t.preferred) prefer.get(k(t.shopId, t.preferred))?.remove(t.id) }

  /** Taken by an agent: out of the queue, leased, the bot silent in its conversation. */
  const markClaimed = (t: TicketRecord, agentId: string, now: number) => {
    const s = index(t.shopId)
    s.waiting.remove(t.id)
    s.waitingSince.remove(t.id)
    s.claims.add(t.id, now + claimTimeoutMs)
    t.status = 'claimed'
    t.agentId = agentId
    t.lastBeat = now
    unprefer(t)
    if (t.claimedAt === undefined) {
      t.claimedAt = now
      if (now - t.createdAt <= THREE_MINUTES) s.claimed3m.add(t.id, t.createdAt)
      s.claimed3m.removeRangeByScore(-Infinity, now - DAY)
    }
    linkConv(t, 'claimed', agentId)
  }

  /** Back to the queue in its original place (its score), ahead of newer tickets of its priority. */
  const toQueue = (t: TicketRecord) => {
    const s = index(t.shopId)
    s.claims.remove(t.id)
    s.waiting.add(t.id, t.score)
    s.waitingSince.add(t.id, t.createdAt)
    t.status = 'waiting'
    delete t.agentId
    linkConv(t, 'waiting')
  }

  /** Claims that missed their heartbeat go back to the queue: only those, found by lease end. */
  const expireClaims = (shop: string, now: number) => {
    const s = shops.get(shop)
    if (!s) return
    for (const id of s.claims.rangeByScore(-Infinity, now)) {
      const t = ticketOf(shop, id)
      if (!t) { s.claims.remove(id); continue }
      // remembered for the ticket.requeued event (takeRequeued hands each out once); bounded
      const list = requeued.set(shop, requeued.get(shop) ?? [])
      list.push({ ticketId: t.id, conversationId: t.conversationId, agentId: t.agentId ?? '', priority: t.priority, at: now })
      if (list.length > REQUEUED_MAX) list.splice(0, list.length - REQUEUED_MAX)
      toQueue(t)
    }
  }

  /** The agent may act on the ticket only while their claim is live. */
  const owned = (shop: string, id: string, agentId: string): TicketRecord => {
    expireClaims(shop, Date.now())
    const t = ticketOf(shop, id)
    if (!t) throw new ERR_TICKET_NOT_FOUND(id)
    if (t.status !== 'claimed' || t.agentId !== agentId) throw new ERR_NOT_TICKET_OWNER(id)
    return t
  }

  /** The conversation's kept history: bounded in length, expiring historyTtl after its last line.
   *  Each line copied once (without the input-only offline wording), tagged with its ticket. */
  const remember = (shop: string, conversationId: string, lines: readonly ChatEntry[], ticketId: string | undefined) => {
    if (lines.length === 0) return
    const key = k(shop, conversationId)
    const list = chats.get(key) ?? []
    for (const l of lines) {
      const { offline: _o, ...rest } = l as HistoryEntry
      if (ticketId !== undefined) rest.ticketId = ticketId
      list.push(rest)
    }
    if (list.length > historyMax) list.splice(0, list.length - historyMax)
    chats.set(key, list)
  }
  const deliveryOf = (shop: string, c: ChatEntry): ChatEntry => {
    const d = c.role !== 'buyer' && c.messageId ? deliveries.get(k(shop, c.messageId)) : undefined
    return d ? { ...c, delivery: { ...d } } : { ...c }
  }

  const copy = (t: TicketRecord): Ticket => {
    const { score: _s, lastBeat: _l, firstReplyAt: _f, preferred: _p, ...rest } = t
    return { ...rest, chat: t.chat.map((c) => deliveryOf(t.shopId, c)) }
  }

  /**
   * A returning buyer's new ticket goes to the agent who served them last, ahead of older tickets
   * of its priority, never ahead of a more urgent one (as claim-1.lua): the first of the agent's
   * preferred tickets, when it has the head's priority.
   */
  const preferredFor = (shop: string, s: ShopIndex, agentId: string, head: string): string | undefined => {
    const mine = prefer.get(k(shop, agentId))?.first()
    if (!mine || mine.member === head) return undefined
    const score = s.waiting.score(mine.member)
    if (score !== mine.score) { prefer.get(k(shop, agentId))!.remove(mine.member); return undefined }
    return Math.floor(score / PRIORITY_STEP) === Math.floor(s.waiting.score(head)! / PRIORITY_STEP) ? mine.member : undefined
  }

  const tryClaim = (shop: string, agentId: string, now: number): Ticket | null => {
    expireClaims(shop, now)
    const s = shops.get(shop)
    const head = s?.waiting.first()
    if (!s || !head) return null
    const id = preferredFor(shop, s, agentId, head.member) ?? head.member
    return take(ticketOf(shop, id)!, agentId, now)
  }

  const take = (t: TicketRecord, agentId: string, now: number): Ticket => {
    seen(t.shopId, agentId, now)
    markClaimed(t, agentId, now)
    return copy(t)
  }

  const queueEntry = (t: TicketRecord, position?: number): QueueEntry => {
    const e: QueueEntry = {
      id: t.id, conversationId: t.conversationId, buyerId: t.buyerId, priority: t.priority, reason: t.reason,
      status: t.status, createdAt: t.createdAt, lastAt: t.chat.at(-1)?.at ?? t.createdAt
    }
    if (t.claimedAt !== undefined) e.claimedAt = t.claimedAt
    if (t.agentId) e.agentId = t.agentId
    if (position !== undefined) e.position = position
    let buyer: ChatEntry | undefined
    for (let i = t.chat.length - 1; i >= 0 && !buyer; i--) if (t.chat[i]!.role === 'buyer') buyer = t.chat[i]
    if (buyer) e.lastBuyerText = buyer.text
    if (buyer?.nickname) e.nickname = buyer.nickname
    return e
  }

  /** The stored result under an idempotency key (shop, messageId), as a redelivery gets it. */
  const recordAt = (key: string): CommitResult | null => {
    const v = committed.get(key)
    return v ? { ...v, duplicate: true } : null
  }
  /** A copy of the conversation's state (its buyer id left out, a lapsed question dropped). */
  const stateOf = (shop: string, conversationId: string, now: number): ConversationState => {
    expireClaims(shop, now)
    const c = convs.get(k(shop, conversationId))
    if (!c) return {}
    const { buyerId: _b, ...state } = c
    if (state.pending && state.pending.until <= now) delete state.pending
    return state
  }

  return {
    kind: 'embedded',

    kept: () => ({
      tickets: tickets.size, idempotency: committed.size, conversations: convs.size, histories: chats.size, deliveries: deliveries.size,
      replies: replies.size, unmatchedDays: unmatched.size, preferences: prefer.size, requeuedLists: requeued.size
    }),

    async getCommitted (shop, messageId) { return recordAt(k(shop, messageId)) },

    async getConversation (shop, conversationId, now) { return stateOf(shop, conversationId, now) },

    async receive (shop, messageId, conversationId, now) {
      const record = recordAt(k(shop, messageId))
      return record ? { committed: record, state: {} } : { committed: null, state: stateOf(shop, conversationId, now) }
    },

    async commit (input: CommitInput): Promise<CommitResult> {
      const { shopId: shop, now } = input
      const idemKey = k(shop, input.messageId)
      const idem = recordAt(idemKey)
      if (idem) return idem
      purge(PURGE_PER_WRITE)
      // a lapsed claim is back in the queue before this message is placed, as in commit-1.lua
      expireClaims(shop, now)
      const key = k(shop, input.conversationId)
      const conv: Conv = convs.get(key) ?? {}
      conv.lastSeenAt = input.lastSeenAt
      conv.buyerId = input.buyerId
      if (input.channel) conv.channel = input.channel
      if (input.pending === null) delete conv.pending
      else if (input.pending) conv.pending = input.pending

      let ref: TicketRef | undefined
      let lines = input.chat
      let open = conv.ticket ? ticketOf(shop, conv.ticket.id) : undefined
      if (conv.ticket && !open) delete conv.ticket
      if (open && !input.handoff) open.chat.push(...input.chat)
      if (!input.handoff) remember(shop, input.conversationId, input.chat, open?.id)
      if (input.handoff) {
        const s = index(shop)
        let created = false
        if (!open) {
          open = {
            id: randomUUID(), shopId: shop, conversationId: input.conversationId, buyerId: input.buyerId,
            priority: input.handoff.priority, reason: input.handoff.reason, status: 'waiting', createdAt: now,
            chat: [] as ChatEntry[], score: 0,
            ...(conv.lastAgentId ? { preferred: conv.lastAgentId } : {})
          }
          tickets.set(k(shop, open.id), open)
          conv.ticket = { id: open.id, status: 'waiting' }
          enqueue(open, input.handoff.priority)
          s.created.add(open.id, now)
          s.created.removeRangeByScore(-Infinity, now - DAY)
          created = true
        } else if (open.status === 'waiting' && input.handoff.priority === 'urgent' && open.priority === 'normal') {
          // joins the urgent queue at its end, behind earlier complaints: the order the Redis store
          // gives it too, where the upgrade is a new entry at the tail of the urgent stream
          open.reason = input.handoff.reason
          enqueue(open, 'urgent')
        }
        const position = open.status === 'waiting' ? s.waiting.rank(open.id) ?? 0 : 0
        ref = { id: open.id, position, priority: open.priority, reason: open.reason, created, agentsOnline: agentsOnline(s, now, claimTimeoutMs) }
        // the bot's holding reply names the queue position: the agent sees it filled in as the buyer did
        const vars = { position: ref.position, agents: ref.agentsOnline }
        lines = input.chat.map((c) => {
          if (c.role !== 'bot') return c
          const { offline, ...entry } = c
          // with nobody online the buyer was told so
          const text = offline !== undefined && ref!.agentsOnline === 0 ? offline : c.text
          return { ...entry, text: renderTemplate(text, vars) }
        })
        open.chat.push(...lines)
        remember(shop, input.conversationId, lines, open.id)
        wake.emit(shop)
      }
      if (input.unmatched) {
        const dk = `${shop}|${input.unmatched.day ?? dayKey(now)}`
        // like the day's key on Redis, kept the analytics TTL after its last count
        const day = unmatched.set(dk, unmatched.get(dk) ?? new Map())
        const u = day.get(input.unmatched.key) ?? { count: 0, examples: [] }
        u.count++
        if (!u.examples.includes(input.unmatched.text)) u.examples = [input.unmatched.text, ...u.examples].slice(0, 5)
        day.set(input.unmatched.key, u)
      }
      convs.set(key, conv)
      const botReplies = lines.filter((c) => c.role === 'bot').map((c) => c.text)
      // one shape for every record (a conditional spread in the literal went through the runtime)
      const result: CommitResult = { duplicate: false, body: input.body, replies: botReplies }
      if (ref) result.ticket = ref
      committed.set(idemKey, result)
      return result
    },

    async claim (shop, agentId, waitMs, now = Date.now(), signal) {
      if (signal?.aborted) return null
      seen(shop, agentId, now)
      // agents unseen for a day are forgotten, so the set stays the size of the team (claim-1.lua)
      index(shop).agents.removeRangeByScore(-Infinity, now - DAY)
      const got = tryClaim(shop, agentId, now)
      if (got || waitMs <= 0) return got
      return await new Promise<Ticket | null>((resolve) => {
        const stop = () => { clearTimeout(timer); wake.off(shop, onWake); signal?.removeEventListener('abort', onAbort) }
        const onWake = () => {
          const t = tryClaim(shop, agentId, Date.now())
          if (t) { stop(); resolve(t) }
        }
        // shutdown: end the wait now and take nothing queued after it
        const onAbort = () => { stop(); resolve(null) }
        const timer = setTimeout(() => { stop(); resolve(tryClaim(shop, agentId, Date.now())) }, waitMs)
        wake.on(shop, onWake)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },

    async pick (shop, id, agentId, now = Date.now()) {
      expireClaims(shop, now)
      const t = ticketOf(shop, id)
      if (!t) throw new ERR_TICKET_NOT_FOUND(id)
      if (t.status === 'claimed') {
        if (t.agentId !== agentId) throw new ERR_NOT_TICKET_OWNER(id)
        return copy(t)
      }
      return take(t, agentId, now)
    },

    async heartbeat (shop, id, agentId) {
      const t = owned(shop, id, agentId)
      const now = Date.now()
      t.lastBeat = now
      index(shop).claims.add(id, now + claimTimeoutMs)
      seen(shop, agentId, now)
      return copy(t)
    },

    async resolve (shop, id, agentId) {
      const t = owned(shop, id, agentId)
      tickets.delete(k(shop, id))
      const s = index(shop)
      s.claims.remove(id)
      s.waiting.remove(id)
      s.waitingSince.remove(id)
      unprefer(t)
      const c = convs.get(k(shop, t.conversationId))
      if (c?.ticket?.id === id) delete c.ticket
      // the buyer's next ticket prefers this agent, while the conversation is remembered
      if (c) c.lastAgentId = agentId
      seen(shop, agentId, Date.now())
    },

    async release (shop, id, agentId) {
      toQueue(owned(shop, id, agentId))
      wake.emit(shop)
    },

    async getTicket (shop, id) {
      expireClaims(shop, Date.now())
      const t = ticketOf(shop, id)
      return t ? copy(t) : null
    },

    async stats (shop, now = Date.now()): Promise<HandoffStats> {
      expireClaims(shop, now)
      return handoffStats(index(shop), now, claimTimeoutMs)
    },

    async reply (input): Promise<ReplyResult> {
      const { shopId: shop, ticketId: id, agentId } = input
      const now = input.now ?? Date.now()
      const idem = k(shop, `${id}\u0000${input.clientMsgId}`)
      const done = replies.get(idem)
      if (done) {
        const { claimed, ...message } = done
        return { duplicate: true, message: { ...message }, claimed }
      }
      purge(PURGE_PER_WRITE)
      expireClaims(shop, now)
      const t = ticketOf(shop, id)
      if (!t) throw new ERR_TICKET_NOT_FOUND(id)
      const s = index(shop)
      let claimed = false
      if (t.status === 'waiting') {
        // answering a waiting chat takes it, as a claim would
        markClaimed(t, agentId, now)
        claimed = true
      } else if (t.agentId !== agentId) {
        throw new ERR_NOT_TICKET_OWNER(id)
      } else {
        t.lastBeat = now
        s.claims.add(id, now + claimTimeoutMs)
      }
      seen(shop, agentId, now)
      const messageId = input.messageId ?? randomUUID()
      const line: ChatEntry = { role: 'agent', text: input.text, at: now, messageId, agentId }
      t.chat.push(line)
      remember(shop, t.conversationId, [line], id)
      deliveries.set(k(shop, messageId), { status: 'queued', at: now, attempts: 0 })
      // the platforms' figure: time from the handoff to the first human answer
      if (t.firstReplyAt === undefined) {
        t.firstReplyAt = now
        s.replied.add(id, t.createdAt)
        if (now - t.createdAt <= THREE_MINUTES) s.replied3m.add(id, t.createdAt)
        s.replied.removeRangeByScore(-Infinity, now - DAY)
        s.replied3m.removeRangeByScore(-Infinity, now - DAY)
      }
      const message: AgentMessage = {
        id: messageId, ticketId: id, conversationId: t.conversationId, buyerId: t.buyerId, agentId, text: input.text, at: now,
        channel: convs.get(k(shop, t.conversationId))?.channel ?? DEFAULT_CHANNEL
      }
      replies.set(idem, { ...message, claimed })
      return { duplicate: false, message: { ...message }, claimed }
    },

    async setDelivery (shop, messageId, delivery) {
      const key = k(shop, messageId)
      // once sent it stays sent (a slow sender's late report must not undo it)
      if (deliveries.get(key)?.status === 'sent') return
      purge(PURGE_PER_WRITE)
      deliveries.set(key, { ...delivery })
    },

    async getHistory (shop, conversationId, limit = historyMax) {
      const state = await this.getConversation(shop, conversationId, Date.now())
      const lines = chats.get(k(shop, conversationId))?.slice(-limit) ?? []
      if (lines.length === 0 && !state.ticket) return null
      const buyerId = convs.get(k(shop, conversationId))?.buyerId
      return {
        conversationId,
        ...(buyerId ? { buyerId } : {}),
        channel: state.channel ?? DEFAULT_CHANNEL,
        messages: lines.map((l) => deliveryOf(shop, l) as HistoryEntry),
        ...(state.ticket ? { ticket: state.ticket } : {})
      }
    },

    async replyStats (shop, now = Date.now()) {
      return replyStats(index(shop), now)
    },

    async queue (shop, limit, now = Date.now()): Promise<QueueEntry[]> {
      expireClaims(shop, now)
      const s = index(shop)
      // claimed ones soonest lease end first, as the Redis store's claims set
      const waiting = s.waiting.range(0, limit).map((id, i) => queueEntry(ticketOf(shop, id)!, i))
      return [...waiting, ...s.claims.range(0, limit).map((id) => queueEntry(ticketOf(shop, id)!))]
    },

    async takeRequeued (shop, limit = 100, now = Date.now()) {
      expireClaims(shop, now)
      return requeued.get(shop)?.splice(0, limit) ?? []
    },

    async topUnmatched (shop, days, limit, now = Date.now(), timeZone = 'UTC'): Promise<UnmatchedCount[]> {
      const sum = new Map<string, UnmatchedCount>()
      for (let d = 0; d < days; d++) {
        for (const [key, v] of unmatched.get(`${shop}|${dayKey(now - d * DAY, timeZone)}`) ?? []) {
          const s = sum.get(key) ?? { key, count: 0, examples: [] }
          s.count += v.count
          for (const e of v.examples) if (s.examples.length < 5 && !s.examples.includes(e)) s.examples.push(e)
          sum.set(key, s)
        }
      }
      return [...sum.values()].sort((a, b) => b.count - a.count).slice(0, limit)
    },

    async ping () { return true },
    async close () { clearInterval(sweep); wake.removeAllListeners() }
  }
}
