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

/** A time zone's formatter and the last minute it formatted. */
interface ZoneDay { format: Intl.DateTimeFormat; minute: number; day: string }
const dayFormats = new Map<string, ZoneDay>()

/**
 * The calendar day (YYYY-MM-DD) of an instant in a time zone: a Beijing shop's day starts at 00:00 Beijing time.
 * Offsets change on whole minutes, so the day is formatted once per zone and UTC minute (Intl's format
 * costs microseconds, and this runs for every message).
 */
export function dayKey (now: number, timeZone = 'UTC'): string {
  if (timeZone === 'UTC') return new Date(now).toISOString().slice(0, 10)
  let z = dayFormats.get(timeZone)
  // en-CA formats dates as YYYY-MM-DD
  if (!z) dayFormats.set(timeZone, (z = { format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), minute: NaN, day: '' }))
  const minute = Math.floor(now / 60_000)
  if (z.minute !== minute) { z.minute = minute; z.day = z.format.format(now) }
  return z.day
}

export function emptyStats (): HandoffStats {
  return { waiting: 0, urgent: 0, oldestWaitMs: 0, claimed: 0, agentsOnline: 0, claimedWithin3mShare: null, ticketsLast24h: 0 }
}
