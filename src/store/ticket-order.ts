/**
 * Shared rules of the queue, so both stores agree: claim order is urgent before normal, then the
 * order of entry (a released or reclaimed ticket keeps its original place).
 */
import type { HandoffStats, Priority } from './types.js'

export const THREE_MINUTES = 180_000
export const DAY = 86_400_000
export const DEFAULTS = {
  claimTimeoutMs: 120_000, idempotencyTtlMs: DAY, conversationTtlMs: 30 * DAY, unmatchedDays: 35,
  historyTtlMs: 30 * DAY, historyMaxEntries: 500
}

/** The channel of a conversation whose messages came through POST /v1/messages: the outbound webhook. */
export const DEFAULT_CHANNEL = 'webhook'

export function rank (priority: Priority): number {
  return priority === 'urgent' ? 0 : 1
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: a Beijing shop's day starts at 00:00 Beijing time. */
export function dayKey (now: number, timeZone = 'UTC'): string {
  if (timeZone === 'UTC') return new Date(now).toISOString().slice(0, 10)
  let f = dayFormats.get(timeZone)
  // en-CA formats dates as YYYY-MM-DD
  if (!f) dayFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return f.format(now)
}

export function emptyStats (): HandoffStats {
  return { waiting: 0, urgent: 0, oldestWaitMs: 0, claimed: 0, agentsOnline: 0, claimedWithin3mShare: null, ticketsLast24h: 0 }
}
