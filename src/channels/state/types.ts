/**
 * The little state the channels keep besides conversations: access tokens shared between
 * instances, the WeCom sync cursor, markers for answers moved to the send API, and each buyer's
 * send window. Redis when REDIS_URL is set (shared, durable), in process otherwise (demo mode).
 * Callers pass their own key names; the implementation adds the prefix.
 */
export type SlotResult = 'ok' | 'closed' | 'full'

export interface ChannelState {
  readonly kind: 'redis' | 'embedded'
  get (key: string): Promise<string | null>
  /** ttlMs: expire after that long; omitted: keep */
  set (key: string, value: string, ttlMs?: number): Promise<void>
  /** true when the key was absent and is now set (a lock, a first-time marker) */
  setIfAbsent (key: string, value: string, ttlMs: number): Promise<boolean>
  /** deletes the key only while it still holds `value` (a lock's owner, a token not yet replaced) */
  deleteIfEquals (key: string, value: string): Promise<boolean>
  del (key: string): Promise<void>
  /** a buyer wrote: their window opens (again) for ttlMs with no message sent yet */
  openWindow (key: string, ttlMs: number): Promise<void>
  /** takes one of `limit` sends in the open window: `closed` when none is open, `full` when all are used */
  takeSlot (key: string, limit: number): Promise<SlotResult>
  /** gives a taken slot back (the send failed before reaching the buyer) */
  giveSlot (key: string): Promise<void>
}
