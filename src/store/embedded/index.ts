/**
 * The embedded store: everything in this process's memory, for a newcomer's first run and for
 * demos. Same behaviour as the Redis store (the same contract tests run against both); nothing
 * survives a restart and instances share nothing.
 */
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type {
  AgentMessage, RequeuedTicket, ChatEntry, CommitInput, CommitResult, ConversationState, Delivery, HandoffStats, HistoryEntry, ReplyResult,
  Store, Ticket, TicketRef, UnmatchedCount, QueueEntry
} from '../types.js'
import { ERR_NOT_TICKET_OWNER, ERR_TICKET_NOT_FOUND } from '../../errors.js'
import { DAY, DEFAULTS, DEFAULT_CHANNEL, THREE_MINUTES, dayKey, rank } from '../ticket-order.js'
import { renderTemplate } from '../../replies/template.js'

export interface EmbeddedStoreOptions {
  claimTimeoutMs?: number; idempotencyTtlMs?: number; conversationTtlMs?: number; historyTtlMs?: number; historyMaxEntries?: number
}

interface Conv extends ConversationState { expires: number; buyerId?: string }
interface TicketRecord extends Ticket { seq: number; lastBeat?: number; firstReplyAt?: number; preferred?: string }
interface Kept<T> { value: T; expires: number }

export function createEmbeddedStore (opts: EmbeddedStoreOptions = {}): Store {
  const claimTimeoutMs = opts.claimTimeoutMs ?? DEFAULTS.claimTimeoutMs
  const idemTtl = opts.idempotencyTtlMs ?? DEFAULTS.idempotencyTtlMs
  const convTtl = opts.conversationTtlMs ?? DEFAULTS.conversationTtlMs
  const committed = new Map<string, { result: CommitResult; expires: number }>()
  const convs = new Map<string, Conv>()
  const tickets = new Map<string, TicketRecord>() // open tickets by shop:id
  const agents = new Map<string, Map<string, number>>() // shop → agent → last seen
  const history = new Map<string, Array<{ createdAt: number; claimedAt?: number; repliedAt?: number; id: string }>>() // shop → tickets of 24 h
  const historyTtl = opts.historyTtlMs ?? DEFAULTS.historyTtlMs
  const historyMax = opts.historyMaxEntries ?? DEFAULTS.historyMaxEntries
  const chats = new Map<string, Kept<HistoryEntry[]>>() // shop:conversation → kept history
  const deliveries = new Map<string, Kept<Delivery>>() // shop:messageId → delivery
  const replies = new Map<string, Kept<AgentMessage & { claimed: boolean }>>() // shop:ticket:clientMsgId → recorded reply
  const unmatched = new Map<string, Map<string, { count: number; examples: string[] }>>() // shop|day → key → count
  const requeued = new Map<string, RequeuedTicket[]>() // shop → lapsed claims not yet handed out
  const wake = new EventEmitter()
  wake.setMaxListeners(0)
  let seq = 0

  const k = (shop: string, id: string) => `${shop}\u0000${id}`
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, v] of committed) if (v.expires < now) committed.delete(key)
    for (const [key, v] of convs) if (v.expires < now && !v.ticket) convs.delete(key)
    for (const m of [chats, deliveries, replies] as Array<Map<string, Kept<unknown>>>) for (const [key, v] of m) if (v.expires < now) m.delete(key)
    for (const [key] of unmatched) if (key.split('|')[1]! < dayKey(now - DEFAULTS.unmatchedDays * DAY)) unmatched.delete(key)
  }, 60_000)
  sweep.unref()

  const seen = (shop: string, agentId: string, now: number) => {
    let m = agents.get(shop)
    if (!m) agents.set(shop, (m = new Map()))
    m.set(agentId, now)
  }
  const online = (shop: string, now: number) => [...(agents.get(shop)?.values() ?? [])].filter((t) => now - t <= claimTimeoutMs).length

  /** Claims that missed their heartbeat go back to the queue in their original place. */
  const expireClaims = (shop: string, now: number) => {
    for (const t of tickets.values()) {
      if (t.shopId === shop && t.status === 'claimed' && now - (t.lastBeat ?? 0) > claimTimeoutMs) {
        const list = requeued.get(shop) ?? []
        list.push({ ticketId: t.id, conversationId: t.conversationId, agentId: t.agentId ?? '', priority: t.priority, at: now })
        requeued.set(shop, list.slice(-1000))
        t.status = 'waiting'
        delete t.agentId
        const c = convs.get(k(shop, t.conversationId))
        if (c?.ticket) c.ticket = { id: t.id, status: 'waiting' }
      }
    }
  }

  /** The conversation's kept history: bounded in length, expiring historyTtl after its last line. */
  const remember = (shop: string, conversationId: string, lines: HistoryEntry[], now: number) => {
    if (lines.length === 0) return
    const key = k(shop, conversationId)
    const kept = chats.get(key)
    const list = kept && kept.expires > now ? kept.value : []
    list.push(...lines.map((l) => { const { offline: _o, ...rest } = l; return rest }))
    chats.set(key, { value: list.slice(-historyMax), expires: now + historyTtl })
  }
  const deliveryOf = (shop: string, c: ChatEntry): ChatEntry => {
    const d = c.role !== 'buyer' && c.messageId ? deliveries.get(k(shop, c.messageId)) : undefined
    return d && d.expires > Date.now() ? { ...c, delivery: { ...d.value } } : { ...c }
  }

  const waitingOrdered = (shop: string) => [...tickets.values()]
    .filter((t) => t.shopId === shop && t.status === 'waiting')
    .sort((a, b) => rank(a.priority) - rank(b.priority) || a.seq - b.seq)

  const copy = (t: TicketRecord): Ticket => {
    const { seq: _s, lastBeat: _l, firstReplyAt: _f, preferred: _p, ...rest } = t
    return { ...rest, chat: t.chat.map((c) => deliveryOf(t.shopId, c)) }
  }

  const owned = (shop: string, id: string, agentId: string): TicketRecord => {
    expireClaims(shop, Date.now())
    const t = tickets.get(k(shop, id))
    if (!t) throw new ERR_TICKET_NOT_FOUND(id)
    if (t.status !== 'claimed' || t.agentId !== agentId) throw new ERR_NOT_TICKET_OWNER(id)
    return t
  }

  const tryClaim = (shop: string, agentId: string, now: number): Ticket | null => {
    expireClaims(shop, now)
    const waiting = waitingOrdered(shop)
    if (!waiting[0]) return null
    // a returning buyer's new ticket goes to the agent who served them last, ahead of older tickets
    // of its priority, never ahead of a more urgent one (as claim-1.lua)
    const next = waiting.find((t) => t.preferred === agentId && rank(t.priority) === rank(waiting[0]!.priority) && t.claimedAt === undefined) ?? waiting[0]
    return take(next, agentId, now)
  }

  const take = (next: TicketRecord, agentId: string, now: number): Ticket => {
    const shop = next.shopId
    seen(shop, agentId, now)
    next.status = 'claimed'
    next.agentId = agentId
    next.claimedAt ??= now
    next.lastBeat = now
    const c = convs.get(k(shop, next.conversationId))
    if (c) c.ticket = { id: next.id, status: 'claimed', agentId }
    const h = history.get(shop)?.find((x) => x.id === next.id)
    if (h && h.claimedAt === undefined) h.claimedAt = now
    return copy(next)
  }

  return {
    kind: 'embedded',

    async getCommitted (shop, messageId) {
      const v = committed.get(k(shop, messageId))
      return v && v.expires > Date.now() ? { ...v.result, duplicate: true } : null
    },

    async getConversation (shop, conversationId, now) {
      expireClaims(shop, now)
      const c = convs.get(k(shop, conversationId))
      if (!c || c.expires < now) return {}
      const { expires: _e, buyerId: _b, ...state } = c
      if (state.pending && state.pending.until <= now) delete state.pending
      return { ...state }
    },

    async receive (shop, messageId, conversationId, now) {
      const committed = await this.getCommitted(shop, messageId)
      return committed ? { committed, state: {} } : { committed: null, state: await this.getConversation(shop, conversationId, now) }
    },

    async commit (input: CommitInput): Promise<CommitResult> {
      const { shopId: shop, now } = input
      const idem = committed.get(k(shop, input.messageId))
      if (idem && idem.expires > now) return { ...idem.result, duplicate: true }
      // a lapsed claim is back in the queue before this message is placed, as in commit-1.lua
      expireClaims(shop, now)
      const key = k(shop, input.conversationId)
      const conv: Conv = convs.get(key) ?? { expires: 0 }
      conv.lastSeenAt = input.lastSeenAt
      conv.buyerId = input.buyerId
      if (input.channel) conv.channel = input.channel
      conv.expires = now + convTtl
      if (input.pending === null) delete conv.pending
      else if (input.pending) conv.pending = input.pending

      let ref: TicketRef | undefined
      let lines = input.chat
      let open = conv.ticket ? tickets.get(k(shop, conv.ticket.id)) : undefined
      if (open && !input.handoff) open.chat.push(...input.chat)
      if (!input.handoff) remember(shop, input.conversationId, input.chat.map((c) => (open ? { ...c, ticketId: open.id } : { ...c })), now)
      if (input.handoff) {
        let created = false
        if (!open) {
          open = {
            id: randomUUID(), shopId: shop, conversationId: input.conversationId, buyerId: input.buyerId,
            priority: input.handoff.priority, reason: input.handoff.reason, status: 'waiting', createdAt: now,
            chat: [] as ChatEntry[], seq: ++seq,
            ...(conv.lastAgentId ? { preferred: conv.lastAgentId } : {})
          }
          tickets.set(k(shop, open.id), open)
          conv.ticket = { id: open.id, status: 'waiting' }
          const h = history.get(shop) ?? []
          h.push({ id: open.id, createdAt: now })
          history.set(shop, h.filter((x) => now - x.createdAt <= DAY))
          created = true
        } else if (open.status === 'waiting' && input.handoff.priority === 'urgent' && open.priority === 'normal') {
          // joins the urgent queue at its end, behind earlier complaints: the order the Redis store
          // gives it too, where the upgrade is a new entry at the tail of the urgent stream
          open.priority = 'urgent'
          open.reason = input.handoff.reason
          open.seq = ++seq
        }
        const position = open.status === 'waiting' ? waitingOrdered(shop).findIndex((t) => t.id === open!.id) : 0
        ref = { id: open.id, position, priority: open.priority, reason: open.reason, created, agentsOnline: online(shop, now) }
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
        remember(shop, input.conversationId, lines.map((c) => ({ ...c, ticketId: open!.id })), now)
        wake.emit(shop)
      }
      if (input.unmatched) {
        const dk = `${shop}|${input.unmatched.day ?? dayKey(now)}`
        let day = unmatched.get(dk)
        if (!day) unmatched.set(dk, (day = new Map()))
        const u = day.get(input.unmatched.key) ?? { count: 0, examples: [] }
        u.count++
        if (!u.examples.includes(input.unmatched.text)) u.examples = [input.unmatched.text, ...u.examples].slice(0, 5)
        day.set(input.unmatched.key, u)
      }
      convs.set(key, conv)
      const replies = lines.filter((c) => c.role === 'bot').map((c) => c.text)
      const result: CommitResult = { duplicate: false, body: structuredClone(input.body), ...(ref ? { ticket: ref } : {}), replies }
      committed.set(k(shop, input.messageId), { result, expires: now + idemTtl })
      return { ...result, body: structuredClone(result.body), replies: [...replies] }
    },

    async claim (shop, agentId, waitMs, now = Date.now(), signal) {
      if (signal?.aborted) return null
      seen(shop, agentId, now)
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
      const t = tickets.get(k(shop, id))
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
      seen(shop, agentId, now)
      return copy(t)
    },

    async resolve (shop, id, agentId) {
      const t = owned(shop, id, agentId)
      tickets.delete(k(shop, id))
      const c = convs.get(k(shop, t.conversationId))
      if (c?.ticket?.id === id) delete c.ticket
      // the buyer's next ticket prefers this agent
      if (c) c.lastAgentId = agentId
      seen(shop, agentId, Date.now())
    },

    async release (shop, id, agentId) {
      const t = owned(shop, id, agentId)
      t.status = 'waiting'
      delete t.agentId
      const c = convs.get(k(shop, t.conversationId))
      if (c?.ticket?.id === id) c.ticket = { id, status: 'waiting' }
      wake.emit(shop)
    },

    async getTicket (shop, id) {
      expireClaims(shop, Date.now())
      const t = tickets.get(k(shop, id))
      return t ? copy(t) : null
    },

    async stats (shop, now = Date.now()): Promise<HandoffStats> {
      expireClaims(shop, now)
      const waiting = waitingOrdered(shop)
      const claimed = [...tickets.values()].filter((t) => t.shopId === shop && t.status === 'claimed').length
      const recent = (history.get(shop) ?? []).filter((x) => now - x.createdAt <= DAY)
      // a ticket still waiting after 3 minutes has missed; one younger than that is not decided yet
      const decided = recent.filter((x) => x.claimedAt !== undefined || now - x.createdAt > THREE_MINUTES)
      const within = decided.filter((x) => x.claimedAt !== undefined && x.claimedAt - x.createdAt <= THREE_MINUTES).length
      return {
        waiting: waiting.length,
        urgent: waiting.filter((t) => t.priority === 'urgent').length,
        oldestWaitMs: waiting.length ? now - Math.min(...waiting.map((t) => t.createdAt)) : 0,
        claimed,
        agentsOnline: online(shop, now),
        claimedWithin3mShare: decided.length ? within / decided.length : null,
        ticketsLast24h: recent.length
      }
    },

    async reply (input): Promise<ReplyResult> {
      const { shopId: shop, ticketId: id, agentId } = input
      const now = input.now ?? Date.now()
      const idem = k(shop, `${id}\u0000${input.clientMsgId}`)
      const done = replies.get(idem)
      if (done && done.expires > now) {
        const { claimed, ...message } = done.value
        return { duplicate: true, message: { ...message }, claimed }
      }
      expireClaims(shop, now)
      const t = tickets.get(k(shop, id))
      if (!t) throw new ERR_TICKET_NOT_FOUND(id)
      let claimed = false
      if (t.status === 'waiting') {
        // answering a waiting chat takes it, as a claim would
        t.status = 'claimed'
        t.agentId = agentId
        t.claimedAt ??= now
        const c = convs.get(k(shop, t.conversationId))
        if (c) c.ticket = { id, status: 'claimed', agentId }
        const h = history.get(shop)?.find((x) => x.id === id)
        if (h && h.claimedAt === undefined) h.claimedAt = now
        claimed = true
      } else if (t.agentId !== agentId) {
        throw new ERR_NOT_TICKET_OWNER(id)
      }
      t.lastBeat = now
      seen(shop, agentId, now)
      const messageId = input.messageId ?? randomUUID()
      const line: ChatEntry = { role: 'agent', text: input.text, at: now, messageId, agentId }
      t.chat.push(line)
      remember(shop, t.conversationId, [{ ...line, ticketId: id }], now)
      deliveries.set(k(shop, messageId), { value: { status: 'queued', at: now, attempts: 0 }, expires: now + historyTtl })
      if (t.firstReplyAt === undefined) {
        t.firstReplyAt = now
        const h = history.get(shop)?.find((x) => x.id === id)
        if (h) h.repliedAt = now
      }
      const message: AgentMessage = {
        id: messageId, ticketId: id, conversationId: t.conversationId, buyerId: t.buyerId, agentId, text: input.text, at: now,
        channel: convs.get(k(shop, t.conversationId))?.channel ?? DEFAULT_CHANNEL
      }
      replies.set(idem, { value: { ...message, claimed }, expires: now + idemTtl })
      return { duplicate: false, message: { ...message }, claimed }
    },

    async setDelivery (shop, messageId, delivery) {
      const key = k(shop, messageId)
      const cur = deliveries.get(key)
      // once sent it stays sent (a slow sender's late report must not undo it)
      if (cur && cur.expires > Date.now() && cur.value.status === 'sent') return
      deliveries.set(key, { value: { ...delivery }, expires: Date.now() + historyTtl })
    },

    async getHistory (shop, conversationId, limit = historyMax) {
      const now = Date.now()
      const state = await this.getConversation(shop, conversationId, now)
      const kept = chats.get(k(shop, conversationId))
      const lines = kept && kept.expires > now ? kept.value.slice(-limit) : []
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
      const recent = (history.get(shop) ?? []).filter((x) => now - x.createdAt <= DAY)
      const decided = recent.filter((x) => x.repliedAt !== undefined || now - x.createdAt > THREE_MINUTES)
      const within = decided.filter((x) => x.repliedAt !== undefined && x.repliedAt - x.createdAt <= THREE_MINUTES).length
      return { repliedWithin3mShare: decided.length ? within / decided.length : null, repliedLast24h: recent.filter((x) => x.repliedAt !== undefined).length }
    },

    async queue (shop, limit, now = Date.now()): Promise<QueueEntry[]> {
      expireClaims(shop, now)
      const claimed = [...tickets.values()].filter((t) => t.shopId === shop && t.status === 'claimed')
        .sort((a, b) => (a.lastBeat ?? 0) - (b.lastBeat ?? 0))
      const entry = (t: TicketRecord, position?: number): QueueEntry => {
        const e: QueueEntry = {
          id: t.id, conversationId: t.conversationId, buyerId: t.buyerId, priority: t.priority, reason: t.reason,
          status: t.status, createdAt: t.createdAt, lastAt: t.chat.at(-1)?.at ?? t.createdAt
        }
        if (t.claimedAt !== undefined) e.claimedAt = t.claimedAt
        if (t.agentId) e.agentId = t.agentId
        if (position !== undefined) e.position = position
        const buyer = [...t.chat].reverse().find((c) => c.role === 'buyer')
        if (buyer) e.lastBuyerText = buyer.text
        if (buyer?.nickname) e.nickname = buyer.nickname
        return e
      }
      return [...waitingOrdered(shop).slice(0, limit).map((t, i) => entry(t, i)), ...claimed.slice(0, limit).map((t) => entry(t))]
    },

    async takeRequeued (shop, limit = 100, now = Date.now()) {
      expireClaims(shop, now)
      const list = requeued.get(shop) ?? []
      const out = list.splice(0, limit)
      return out
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
