/**
 * The outbox: everything that must reach a buyer outside the webhook's HTTP response (agents'
 * replies; channel adapters' delayed bot replies) is enqueued here, durably, and sent by the sender
 * loop (src/outbox/sender.ts) of any instance through the channel the conversation arrived on.
 *
 * For other parts of the service (channel adapters, the console), the whole surface is:
 * - `app.outbox.enqueue(msg: OutboundMessage)`: queue a message; idempotent on `msg.id`.
 * - `app.channels.register(name, channel: OutboundChannel)`: how messages of channel `name` are
 *   sent; `send` answers `{ ok: true }` (delivered), `{ ok: false, retry: true, reason }` (try again
 *   with backoff) or `{ ok: false, retry: false, reason }` (dead-letter at once).
 * - each message's status (`queued` | `sent` | `failed` + reason) is written into the chat by the
 *   sender (`store.setDelivery`), so `GET /v1/conversations/:id` and tickets show it.
 * Delivery is at least once: a sender that dies mid-send leaves the message to another instance
 * after the lease (OUTBOX_LEASE), so a receiver dedupes on `id`.
 */

export type OutboundRole = 'agent' | 'bot'

export interface OutboundMessage {
  /** unique per message; enqueue is idempotent on it and receivers dedupe on it */
  id: string
  shopId: string
  conversationId: string
  buyerId: string
  /** name the channel was registered under ('webhook', 'wechat', 'wecom', ...) */
  channel: string
  role: OutboundRole
  text: string
  /** epoch ms the message was written (the agent pressed send) */
  sentAt: number
  ticketId?: string
  agentId?: string
  /** channel-specific extras (e.g. an account id the channel needs); carried as is */
  meta?: Record<string, string>
}

export type SendResult = { ok: true } | { ok: false; retry: boolean; reason: string }

export interface SendContext {
  /** 1 for the first try */
  attempt: number
  /** aborted when the instance shuts down mid-send: the message is left to another instance */
  signal: AbortSignal
}

export interface OutboundChannel {
  send (msg: OutboundMessage, ctx: SendContext): Promise<SendResult>
}

/** A message handed to one sender until it reports back or its lease lapses. */
export interface Lease {
  message: OutboundMessage
  /** this try's number, 1-based (a lapsed lease counts as a try) */
  attempt: number
  /** opaque handle for sent/retry/fail */
  token: string
  consumer: string
}

export interface OutboxStats {
  /** messages not yet sent or dead-lettered (queued, in flight, waiting to retry) */
  depth: number
  /** ms the oldest of them has waited, 0 when none */
  oldestAgeMs: number
  sent: number
  failed: number
}

export interface MessageStatus {
  status: 'queued' | 'sent' | 'failed'
  attempts: number
  reason?: string
  /** epoch ms of the last change */
  at: number
}

export interface DeadLetter { message: OutboundMessage; reason: string; attempts: number; at: number }

export interface Outbox {
  readonly kind: 'redis' | 'embedded'
  /** queue a message; `duplicate` when its id was queued before (nothing changes) */
  enqueue (msg: OutboundMessage, now?: number): Promise<{ duplicate: boolean }>
  /** up to `count` messages of the shop for `consumer`: due retries, lapsed leases, then new ones */
  take (shopId: string, consumer: string, count: number, now?: number): Promise<Lease[]>
  /** delivered; false when the message had already been settled (another sender finished it) */
  sent (lease: Lease, now?: number): Promise<boolean>
  /** try again after delayMs; false when the lease is no longer this sender's */
  retry (lease: Lease, reason: string, delayMs: number, now?: number): Promise<boolean>
  /** give up: onto the dead-letter list; false when the lease is no longer this sender's */
  fail (lease: Lease, reason: string, now?: number): Promise<boolean>
  status (shopId: string, id: string): Promise<MessageStatus | null>
  stats (shopId: string, now?: number): Promise<OutboxStats>
  /** newest first */
  deadLetters (shopId: string, limit: number): Promise<DeadLetter[]>
  close (): Promise<void>
}

export interface OutboxOptions {
  /** how long a taken message is a sender's before another may take it (default 30 s) */
  leaseMs?: number
  /** how long a settled message's record (and its dedupe) is kept (default 7 days) */
  retentionMs?: number
  /** dead-letter entries kept per shop (default 1000) */
  deadLetterMax?: number
}

export const OUTBOX_DEFAULTS = { leaseMs: 30_000, retentionMs: 7 * 86_400_000, deadLetterMax: 1000 }
