/**
 * What the decision reads of a conversation and what it decides, declared by the engine: the stores
 * keep these (src/store/types.ts builds on them) and the HTTP schemas reuse the enums, so a reason or a
 * priority is written once. Plain data, no I/O: the engine stays free of Redis and Fastify.
 */
import { z } from 'zod'

/** Urgent tickets (complaints) go to the front of the queue. */
export const prioritySchema = z.enum(['urgent', 'normal'])
export type Priority = z.infer<typeof prioritySchema>

export const handoffReasonSchema = z.enum(['unmatched', 'human_request', 'complaint', 'closed_hours', 'own_case'])
export type HandoffReason = z.infer<typeof handoffReasonSchema>

/** What the bot does with one message. */
export const actionSchema = z.enum(['reply', 'handoff', 'silent'])
export type Action = z.infer<typeof actionSchema>

/** A question the bot asked and whose answer may arrive in the next message without keywords. */
export interface PendingAsk {
  kind: 'size'
  /** id of the size chart that asked */
  ruleId: string
  /** figures already given (a buyer may send height first, weight later) */
  heightCm?: number
  weightJin?: number
  /** epoch ms after which the ask is forgotten */
  until: number
}

export interface OpenTicketRef {
  id: string
  status: 'waiting' | 'claimed'
  agentId?: string
}

/** The conversation as the decision sees it; a store keeps more (src/store/types.ts). */
export interface ConversationState {
  /** epoch ms of the buyer's previous message; absent on first contact */
  lastSeenAt?: number
  pending?: PendingAsk
  /** the conversation's open ticket, if it has one */
  ticket?: OpenTicketRef
}
