/**
 * One webhook message end to end: replay a redelivery, read the conversation, decide, and make the
 * outcome durable in one commit before answering. The rules: a 2xx means the reply or the ticket
 * is stored; when the store is down an answerable message is still answered, a handoff is refused
 * with 503 so the platform retries.
 */
import type { Arrival, CommitResult, ConversationState, StaleCommit, Store, TicketRef, ChatEntry, HandoffReason, Priority } from '../store/types.js'
import { decide, type Decision, type MatchedInfo } from '../engine/decide.js'
import type { ShopEngine } from '../engine/engine.js'
import { renderTemplate } from '../replies/template.js'
import { matchKey } from '../matching/normalise.js'
import { maskPersonalData } from '../analytics/mask.js'
import { ERR_MESSAGE_ID_REUSED, ERR_STORE_UNAVAILABLE } from '../errors.js'
import crypto, { createHash } from 'node:crypto'
import { dayKey } from '../store/ticket-order.js'
import type { Pick } from '../engine/answer.js'
import type { EventBus } from '../events/bus.js'
import { DEFAULT_CHANNEL } from '../store/ticket-order.js'

export interface BuyerMessage {
  messageId: string
  conversationId: string
  buyerId: string
  shopId: string
  type: string
  text?: string
  sentAt?: string | number
  buyer?: { nickname?: string }
}

export interface MessageResponse {
  action: 'reply' | 'handoff' | 'silent'
  replies: Array<{ type: 'text'; text: string }>
  matched: MatchedInfo[]
  handoff?: { ticketId: string; position: number; priority: Priority; reason: HandoffReason; agentsOnline: number }
  /** true when the store was unreachable and the answer was given without remembering it */
  degraded?: boolean
}

/** What is stored for a messageId: the decision before the ticket existed (the replies as sent are the store's). */
interface StoredBody {
  action: Decision['action']
  matched: MatchedInfo[]
  /** what the message was (conversation, type, text): a redelivery matches it, a reused id does not */
  fp?: string
  /** records written before the store returned the final replies (kept for the idempotency TTL):
   *  the decided replies, and the offline wording, to fill in as then */
  replies?: string[]
  offlineReply?: string
}

/**
 * A redelivery is the same message: same id, same conversation, same type and text. Another body
 * under a used id (two platforms' counters colliding, a gateway reusing ids) is refused with 409
 * instead of being answered with someone else's stored response. Records without a fingerprint
 * (written before it existed) are trusted.
 */
function fingerprint (msg: BuyerMessage): string {
  const text = `${msg.conversationId}\u0000${msg.type}\u0000${msg.text ?? ''}`
  // the one-shot crypto.hash (Node ≥ 20.12) makes no Hash object: a third of the fingerprint's cost
  return (oneShot ? oneShot('sha256', text, 'base64url') : createHash('sha256').update(text).digest('base64url')).slice(0, 22)
}
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'base64url') => string }).hash

function replayOrRefuse (stored: StoredBody, msg: BuyerMessage, fp: string): void {
  if (stored.fp !== undefined && stored.fp !== fp) throw new ERR_MESSAGE_ID_REUSED(msg.messageId)
}

/** The slice of a pino logger this needs, so plain functions and Fastify requests both fit. */
export interface WarnLogger { warn (obj: object, msg: string): void }

export interface HandleDeps {
  store: Store
  log: WarnLogger
  now?: () => number
  pick?: Pick
  /** receives ticket.created when this message opened a ticket (pass `app.events`) */
  events?: EventBus
}

/** What became of one message: the response, and whether it was a redelivery answered from the record. */
export interface Outcome {
  response: MessageResponse
  /** the messageId had been committed before: nothing was decided or changed again */
  duplicate: boolean
}

const ANALYTICS_TEXT_MAX = 200

/**
 * `channel`: the name of the channel the message arrived on ('webhook' for POST /v1/messages,
 * 'wechat', 'wecom', ...); recorded on the conversation, so agents' replies go back the same way
 * (app.channels.get(channel) sends them).
 * Two store round trips: `receive` (the stored result of a redelivery, else the conversation) and
 * `commit`, which records everything and returns the replies as the buyer sees them; one when the
 * store answers `receive` from its own copy of the conversation (Redis, for a conversation this
 * instance wrote last), which the commit then checks.
 */
export async function handleMessage (engine: ShopEngine, msg: BuyerMessage, deps: HandleDeps, channel: string = DEFAULT_CHANNEL): Promise<Outcome> {
  const { store, log } = deps
  const now = deps.now?.() ?? Date.now()

  const fp = fingerprint(msg)
  let arrival: Arrival
  try {
    arrival = await store.receive(msg.shopId, msg.messageId, msg.conversationId, now)
  } catch (err) {
    if (!isUnavailable(err)) throw err
    log.warn({ err: (err as Error).message, cause: (err as { cause?: unknown }).cause }, 'store unavailable: answering without conversation state')
    // Unknown history: treat as mid-conversation, so nobody is greeted twice when the store returns.
    return degraded(decide(engine, { type: msg.type, text: msg.text }, { lastSeenAt: now }, { now, pick: deps.pick }))
  }
  if (arrival.committed) return replay(arrival.committed, msg, fp)

  // A store that answered from its own copy of the conversation (arrival.basis) has the commit check
  // the copy: when another instance or a desk changed the conversation meanwhile, nothing is written
  // and the message is decided again on what the store found. The last attempt commits unchecked,
  // on a state read the moment before, as a store without copies always does.
  let { state, basis } = arrival
  let settled = arrival.settled !== false
  for (let attempt = 1; ; attempt++) {
    const decision = decide(engine, { type: msg.type, text: msg.text }, state, { now, pick: deps.pick })
    const body: StoredBody = { action: decision.action, matched: decision.matched, fp }
    let result: CommitResult | StaleCommit
    try {
      result = await store.commit({
        shopId: msg.shopId,
        conversationId: msg.conversationId,
        buyerId: msg.buyerId,
        messageId: msg.messageId,
        now,
        lastSeenAt: now,
        pending: decision.pending,
        chat: chatOf(msg, decision, now),
        handoff: decision.handoff ? { reason: decision.handoff.reason, priority: decision.handoff.priority } : undefined,
        // analytics outlive the chat and are read by operators: phone, ID and address masked there
        unmatched: decision.unmatched && msg.text ? unmatchedOf(msg.text, dayKey(now, engine.timeZone)) : undefined,
        body,
        channel,
        settled,
        ...(basis !== undefined && attempt < COMMIT_ATTEMPTS ? { basis } : {})
      })
    } catch (err) {
      if (!isUnavailable(err)) throw err
      log.warn({ err: (err as Error).message, cause: (err as { cause?: unknown }).cause }, 'store unavailable at commit')
      return degraded(decision, state)
    }
    if ('stale' in result) {
      // the refused commit brought the queue up to date before it looked (one settle per attempt)
      ({ state, basis } = result)
      settled = true
      continue
    }
    // two copies racing: the one that lost the commit gets the winner's record, if it is the same message
    if (result.duplicate) return replay(result, msg, fp)
    if (result.ticket?.created) {
      const t = result.ticket
      deps.events?.emit({ type: 'ticket.created', shopId: msg.shopId, ticketId: t.id, conversationId: msg.conversationId, priority: t.priority, reason: t.reason, at: now })
    }
    return { response: respond(body, result), duplicate: false }
  }
}

/** decisions taken on a store's copy of the conversation before one is committed unchecked */
const COMMIT_ATTEMPTS = 3

/**
 * What the agent sees of this message: the buyer's line, and what the bot said, the holding reply
 * included: the store fills in {position} and, with nobody online, records the offline wording
 * instead; those are the replies.
 */
function chatOf (msg: BuyerMessage, decision: Decision, now: number): ChatEntry[] {
  const chat: ChatEntry[] = [{ role: 'buyer', text: msg.text ?? `[${msg.type}]`, at: now, messageId: msg.messageId, type: msg.type }]
  // the agent greets the buyer by name (quick replies' {buyer}); only the platform's nickname, nothing else about them
  if (msg.buyer?.nickname) chat[0]!.nickname = msg.buyer.nickname
  if (decision.action !== 'silent') for (const r of decision.replies) chat.push({ role: 'bot', text: r, at: now })
  const holding = chat.at(-1)
  const offline = decision.handoff?.offlineReply
  if (decision.action === 'handoff' && holding?.role === 'bot' && offline !== undefined && offlineApplies(decision.handoff!.reason)) holding.offline = offline
  return chat
}

function unmatchedOf (text: string, day: string): { key: string; text: string; day: string } {
  const masked = maskPersonalData(text)
  return { key: matchKey(masked), text: masked.slice(0, ANALYTICS_TEXT_MAX), day }
}

function replay (committed: CommitResult, msg: BuyerMessage, fp: string): Outcome {
  const body = committed.body as StoredBody
  replayOrRefuse(body, msg, fp)
  return { response: respond(body, committed), duplicate: true }
}

function degraded (decision: Decision, state: ConversationState = {}): Outcome {
  // Nothing acknowledged may be lost: a handoff without a durable ticket is refused, not faked; and so
  // is a message the bot leaves to the agent holding the chat (decided on a store's copy of the
  // conversation), which only the store would bring to that agent.
  if (decision.action === 'handoff' || (decision.action === 'silent' && state.ticket)) throw new ERR_STORE_UNAVAILABLE()
  const response = respond({ action: decision.action, matched: decision.matched }, { replies: decision.replies })
  return { response: { ...response, degraded: true }, duplicate: false }
}

/** The response from what the store recorded: the replies as it filled them in, the ticket it placed. */
function respond (body: StoredBody, recorded: { ticket?: TicketRef; replies?: string[] }): MessageResponse {
  const texts = recorded.replies ?? legacyReplies(body, recorded.ticket)
  const res: MessageResponse = {
    action: body.action,
    replies: texts.map((text) => ({ type: 'text' as const, text })),
    matched: body.matched
  }
  const ticket = recorded.ticket
  if (ticket && body.action === 'handoff') {
    res.handoff = { ticketId: ticket.id, position: ticket.position, priority: ticket.priority, reason: ticket.reason, agentsOnline: ticket.agentsOnline }
  }
  return res
}

/** A record from before the store filled in the replies: filled in here, as it was then. */
function legacyReplies (body: StoredBody, ticket: TicketRef | undefined): string[] {
  const texts = body.replies ?? []
  if (!ticket || body.action !== 'handoff') return texts
  const holding = ticket.agentsOnline === 0 && body.offlineReply !== undefined && offlineApplies(ticket.reason)
    ? texts.slice(0, -1).concat(body.offlineReply)
    : texts
  return holding.map((t) => renderTemplate(t, { position: ticket.position, agents: ticket.agentsOnline }))
}

/** Out of hours the closed reply already says it; a complaint keeps its apology. */
function offlineApplies (reason: HandoffReason): boolean {
  return reason !== 'closed_hours' && reason !== 'complaint'
}

function isUnavailable (err: unknown): boolean {
  return (err as { code?: string })?.code === 'AR_ERR_STORE_UNAVAILABLE'
}
