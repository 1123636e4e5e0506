/**
 * Shared rules of the queue, so both stores agree: claim order is urgent before normal, then the
 * order of entry (a released or reclaimed ticket keeps its original place).
 */
import type { HandoffStats, Priority } from './types.js'

export const THREE_MINUTES = 180_000
export const DAY = 86_400_000
export const DEFAULTS = { claimTimeoutMs: 120_000, idempotencyTtlMs: DAY, conversationTtlMs: 30 * DAY, unmatchedDays: 35 }

export function rank (priority: Priority): number {
  return priority === 'urgent' ? 0 : 1
}

export function dayKey (now: number): string {
  return new Date(now).toISOString().slice(0, 10)
}

export function emptyStats (): HandoffStats {
  return { waiting: 0, urgent: 0, oldestWaitMs: 0, claimed: 0, agentsOnline: 0, claimedWithin3mShare: null, ticketsLast24h: 0 }
}
