/**
 * The one interface behind which conversation state, idempotency records, the handoff queue
 * and unanswered-question analytics live. Two implementations: Redis (REDIS_URL set) and an
 * embedded in-process store (demo mode). Everything a webhook call changes is written by a
 * single `commit` so that a crash never leaves half of it behind.
 */

import type { ConversationState as DecisionState, HandoffReason, OpenTicketRef, PendingAsk, Priority } from '../engine/types.js'

// declared by the engine, which decides with them; the stores keep them
export type { HandoffReason, OpenTicketRef, PendingAsk, Priority }

/** Who wrote a chat line: the buyer, the bot, or a human agent answering through the service. */
export type ChatRole = 'buyer' | 'bot' | 'agent'

/** Where an outgoing message (an agent's reply, a channel's delayed bot reply) stands in the outbox. */
export type DeliveryStatus = 'queued' | 'sent' | 'failed'

export interface Delivery {
  status: DeliveryStatus
  /** epoch ms of the last change */
  at: number
  /** sends tried so far */
  attempts?: number
  /** why the last try failed (absent once sent) */
  reason?: string
}

/** One line of the chat an agent sees: what the buyer said, what the bot and the agents answered. */
export interface ChatEntry {
  role: ChatRole
  text: string
  /** epoch milliseconds */
  at: number
  messageId?: string
  /** message type for buyer entries (text, image, order, ...) */
  type?: string
  /** buyer entries: the platform's nickname for the buyer, when the webhook sent one */
  nickname?: string
  /** input only: the holding reply to record instead when no agent is online (the store knows) */
  offline?: string
  /** agent entries: who wrote it */
  agentId?: string
  /** outgoing entries: where delivery to the buyer stands (read back from the outbox's reports) */
  delivery?: Delivery
}

/** A line of a conversation's history: a chat entry, and the ticket it belonged to, if any. */
export interface HistoryEntry extends ChatEntry {
  ticketId?: string
}

/** A conversation's kept history (GET /v1/conversations/:id): bounded in length and kept for a TTL. */
export interface ConversationHistory {
  conversationId: string
  buyerId?: string
  /** the channel its buyer messages arrive on, where replies go back (default 'webhook') */
  channel: string
  /** oldest first */
  messages: HistoryEntry[]
  ticket?: OpenTicketRef
}

export interface ReplyInput {
  shopId: string
  ticketId: string
  agentId: string
  text: string
  /** the desk's own id for this message: a retried send with the same id is one message */
  clientMsgId: string
  now?: number
  /** new outgoing message id (a random UUID when absent) */
  messageId?: string
}

/** An agent's message, as recorded: what the outbox needs to carry it to the buyer. */
export interface AgentMessage {
  /** the outgoing message id (also the outbox's and the receiver's dedupe key) */
  id: string
  ticketId: string
  conversationId: string
  buyerId: string
  agentId: string
  text: string
  at: number
  /** the conversation's channel ('webhook' unless its messages arrived on another) */
  channel: string
}

export interface ReplyResult {
  /** true when this clientMsgId had been recorded before: nothing changed, the stored message is returned */
  duplicate: boolean
  message: AgentMessage
  /** true when the ticket was waiting and this reply claimed it for the agent */
  claimed: boolean
}

/** A claim that lapsed (no heartbeat within the claim timeout) and went back to the queue. */
export interface RequeuedTicket {
  ticketId: string
  conversationId: string
  /** who held it */
  agentId: string
  priority: Priority
  /** epoch ms it was requeued */
  at: number
}

/** First-agent-reply figures: the platforms' "human reply within 3 minutes" rate. */
export interface ReplyStats {
  /** share of tickets created in the last 24 h whose first agent reply came within 3 minutes (null: none decided yet) */
  repliedWithin3mShare: number | null
  /** tickets of the last 24 h with at least one agent reply */
  repliedLast24h: number
}

/** The conversation as a store keeps it: what the decision reads, and the service's own fields. */
export interface ConversationState extends DecisionState {
  /** the channel its messages arrived on (absent: the default, 'webhook') */
  channel?: string
  /** the agent who last resolved a ticket of this conversation */
  lastAgentId?: string
}

export interface CommitInput {
  shopId: string
  conversationId: string
  buyerId: string
  messageId: string
  now: number
  /** new value for lastSeenAt */
  lastSeenAt: number
  /** undefined: leave as is; null: clear; object: set (expires at its `until`) */
  pending?: PendingAsk | null
  /** entries appended to the conversation's open ticket (or to the new ticket this commit opens) */
  chat: ChatEntry[]
  /** ask for a ticket; if the conversation already has an open one, the chat is appended to it
   *  and an urgent request upgrades a waiting normal ticket to urgent */
  handoff?: { reason: HandoffReason; priority: Priority }
  /** count this message in the unanswered-question analytics, on `day` (YYYY-MM-DD in the shop's time zone; default the UTC day) */
  unmatched?: { key: string; text: string; day?: string }
  /** the response body to replay on redelivery of the same messageId (JSON-serialisable) */
  body: unknown
  /** the channel the message arrived on, recorded on the conversation (absent: leave as is) */
  channel?: string
  /** true when `receive` read this message's conversation just before: the queue was brought up to
   *  date with desks' stream reads and lapsed claims then, and is not again (one settle per message) */
  settled?: boolean
  /** the conversation as the decision read it (`Arrival.basis`, or `StaleCommit.basis`): the commit
   *  writes nothing unless the conversation is still exactly that, and returns a StaleCommit instead */
  basis?: string
}

export interface TicketRef {
  id: string
  /** tickets ahead of this one in claim order (0: next to be claimed) */
  position: number
  priority: Priority
  reason: HandoffReason
  /** true when this commit opened the ticket, false when it appended to an open one */
  created: boolean
  /** agents seen (claim or heartbeat) within the claim timeout, at commit time */
  agentsOnline: number
}

export interface CommitResult {
  /** true when the messageId had been committed before: body and ticket are the stored ones */
  duplicate: boolean
  body: unknown
  ticket?: TicketRef
  /** the bot lines of `chat` as recorded, i.e. the replies as the buyer sees them: with a handoff,
   *  {position} and {agents} filled in and, with no agent online, the `offline` wording instead.
   *  Absent only in Redis records written before it existed (kept for the idempotency TTL). */
  replies?: string[]
}

/**
 * A commit refused because the conversation changed after the state its decision read (another
 * instance answered the buyer, a desk claimed or resolved the chat): nothing was written; decide
 * again on this state and commit with this basis.
 */
export interface StaleCommit {
  stale: true
  state: ConversationState
  basis: string
}

/** What a buyer message needs before its decision, in one look. */
export interface Arrival {
  /** the stored result when this messageId was committed before (a redelivery), else null */
  committed: CommitResult | null
  /** the conversation's state (empty for a redelivery, which is not decided again) */
  state: ConversationState
  /** the conversation `state` was read from, for the commit to check it is unchanged (CommitInput.basis):
   *  set by a store that may answer `receive` from its own copy, without looking */
  basis?: string
  /** false when `receive` did not bring the queue up to date (it answered from the store's own copy):
   *  the commit does it instead */
  settled?: boolean
}

export interface Ticket {
  id: string
  shopId: string
  conversationId: string
  buyerId: string
  priority: Priority
  reason: HandoffReason
  status: 'waiting' | 'claimed'
  createdAt: number
  claimedAt?: number
  agentId?: string
  /** the buyer's messages since the handoff and what the bot said, oldest first */
  chat: ChatEntry[]
}

export interface HandoffStats {
  waiting: number
  urgent: number
  /** ms the oldest waiting ticket has waited, 0 when none */
  oldestWaitMs: number
  claimed: number
  agentsOnline: number
  /** share of tickets created in the last 24 h that were claimed within 3 minutes (null: none yet) */
  claimedWithin3mShare: number | null
  ticketsLast24h: number
}

/** One open ticket as a desk's queue list shows it: no whole chat, only the latest buyer line. */
export interface QueueEntry extends Omit<Ticket, 'shopId' | 'chat'> {
  /** waiting tickets: how many are ahead in claim order (0: next to be claimed) */
  position?: number
  /** the buyer's latest message in the ticket's chat, if any */
  lastBuyerText?: string
  /** the buyer's nickname on that message, when the webhook sent one */
  nickname?: string
  /** epoch ms of the ticket's latest chat entry */
  lastAt: number
}

export interface UnmatchedCount {
  key: string
  count: number
  /** a few original texts, newest first */
  examples: string[]
}

export interface Store {
  readonly kind: 'redis' | 'embedded'
  /** the stored result for a messageId already committed, or null */
  getCommitted(shopId: string, messageId: string): Promise<CommitResult | null>
  getConversation(shopId: string, conversationId: string, now: number): Promise<ConversationState>
  /** getCommitted, else getConversation, in at most one round trip: what the webhook path reads */
  receive(shopId: string, messageId: string, conversationId: string, now: number): Promise<Arrival>
  commit(input: CommitInput & { basis?: undefined }): Promise<CommitResult>
  /** a StaleCommit only when `input.basis` is given and the conversation no longer matches it */
  commit(input: CommitInput): Promise<CommitResult | StaleCommit>

  /** oldest urgent ticket first, then oldest normal; waits up to waitMs for one; null when none.
   *  An aborted `signal` ends the wait at once with null and claims nothing after (shutdown). */
  claim(shopId: string, agentId: string, waitMs: number, now?: number, signal?: AbortSignal): Promise<Ticket | null>
  /** claims one chosen waiting ticket (the agent's own claim returns it again); not found / not owner otherwise */
  pick(shopId: string, ticketId: string, agentId: string, now?: number): Promise<Ticket>
  heartbeat(shopId: string, ticketId: string, agentId: string): Promise<Ticket>
  /** closes the ticket: the conversation goes back to the bot */
  resolve(shopId: string, ticketId: string, agentId: string): Promise<void>
  /** gives the ticket back to the queue, ahead of newer tickets of its priority */
  release(shopId: string, ticketId: string, agentId: string): Promise<void>
  getTicket(shopId: string, ticketId: string): Promise<Ticket | null>
  stats(shopId: string, now?: number): Promise<HandoffStats>
  /** the open tickets, waiting ones in claim order then claimed ones soonest lease end first; at most `limit` of each */
  queue(shopId: string, limit: number, now?: number): Promise<QueueEntry[]>

  /**
   * An agent's message to the buyer: idempotent on (ticket, clientMsgId); claims a waiting ticket
   * for the agent, counts as a heartbeat on a held one; recorded in the ticket's chat and the
   * conversation's history with delivery 'queued'. Not found / not owner as heartbeat.
   */
  reply(input: ReplyInput): Promise<ReplyResult>
  /** records where an outgoing message stands; a 'sent' message never goes back to 'queued' or 'failed' */
  setDelivery(shopId: string, messageId: string, delivery: Delivery): Promise<void>
  /** the conversation's history, newest `limit` entries, with delivery status; null when nothing is kept */
  getHistory(shopId: string, conversationId: string, limit?: number): Promise<ConversationHistory | null>
  replyStats(shopId: string, now?: number): Promise<ReplyStats>
  /** lapsed claims requeued since the last call, each returned once (to one caller) */
  takeRequeued(shopId: string, limit?: number, now?: number): Promise<RequeuedTicket[]>

  /** the last `days` calendar days in `timeZone` (default UTC), today included */
  topUnmatched(shopId: string, days: number, limit: number, now?: number, timeZone?: string): Promise<UnmatchedCount[]>

  /** true when the backing store can run a script on the keys of each of these shops (default: `default`) */
  ping(shops?: string[]): Promise<boolean>
  close(): Promise<void>
}
