/**
 * The embedded outbox: the same contract as the Redis one (test/outbox/contract.test.ts), in this
 * process's memory. Leases lapse the same way, so a sender that stops mid-send is taken over by
 * another sender of this process; nothing survives a restart.
 */
import type { DeadLetter, Lease, MessageStatus, OutboundMessage, Outbox, OutboxOptions, OutboxStats } from '../types.js'
import { OUTBOX_DEFAULTS } from '../types.js'

interface Rec {
  message: OutboundMessage
  status: MessageStatus['status']
  attempts: number
  reason?: string
  queuedAt: number
  at: number
  /** ready to hand out from this time (a retry's due time) */
  due: number
  /** current hand-over: token, consumer, lapses at */
  lease?: { token: string; consumer: string; until: number }
  seq: number
  expires: number
}

export function createEmbeddedOutbox (opts: OutboxOptions = {}): Outbox {
  const leaseMs = opts.leaseMs ?? OUTBOX_DEFAULTS.leaseMs
  const retention = opts.retentionMs ?? OUTBOX_DEFAULTS.retentionMs
  const deadMax = opts.deadLetterMax ?? OUTBOX_DEFAULTS.deadLetterMax
  const recs = new Map<string, Rec>() // shop\0id
  const dead = new Map<string, string[]>() // shop → ids, newest first
  const counts = new Map<string, { sent: number; failed: number }>()
  let seq = 0
  const k = (shop: string, id: string) => `${shop}\u0000${id}`
  const count = (shop: string) => { let c = counts.get(shop); if (!c) counts.set(shop, (c = { sent: 0, failed: 0 })); return c }
  const mine = (lease: Lease): Rec | undefined => {
    const r = recs.get(k(lease.message.shopId, lease.message.id))
    return r && r.status === 'queued' && r.lease?.token === lease.token && r.lease.consumer === lease.consumer ? r : undefined
  }
  const sweep = (now: number) => { for (const [key, r] of recs) if (r.expires < now) recs.delete(key) }

  return {
    kind: 'embedded',

    async enqueue (msg, now = Date.now()) {
      const key = k(msg.shopId, msg.id)
      const cur = recs.get(key)
      if (cur && cur.expires > now) return { duplicate: true }
      recs.set(key, { message: structuredClone(msg), status: 'queued', attempts: 0, queuedAt: now, at: now, due: now, seq: ++seq, expires: now + retention })
      return { duplicate: false }
    },

    async take (shop, consumer, n, now = Date.now()) {
      sweep(now)
      const ready = [...recs.values()]
        .filter((r) => r.message.shopId === shop && r.status === 'queued' && r.due <= now && (!r.lease || r.lease.until <= now))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, n)
      return ready.map((r) => {
        r.attempts++
        const token = `${++seq}`
        r.lease = { token, consumer, until: now + leaseMs }
        return { message: structuredClone(r.message), attempt: r.attempts, token, consumer }
      })
    },

    async sent (lease, now = Date.now()) {
      const r = recs.get(k(lease.message.shopId, lease.message.id))
      if (!r || r.status !== 'queued') return false
      // settled whoever holds it now: once the buyer has it, it is not sent again
      r.status = 'sent'
      r.at = now
      delete r.reason
      delete r.lease
      r.expires = now + retention
      count(lease.message.shopId).sent++
      return true
    },

    async retry (lease, reason, delayMs, now = Date.now()) {
      const r = mine(lease)
      if (!r) return false
      delete r.lease
      r.reason = reason
      r.at = now
      r.due = now + Math.max(0, delayMs)
      r.seq = ++seq
      return true
    },

    async fail (lease, reason, now = Date.now()) {
      const r = mine(lease)
      if (!r) return false
      const shop = lease.message.shopId
      delete r.lease
      r.status = 'failed'
      r.reason = reason
      r.at = now
      r.expires = now + retention
      dead.set(shop, [r.message.id, ...(dead.get(shop) ?? [])].slice(0, deadMax))
      count(shop).failed++
      return true
    },

    async status (shop, id) {
      const r = recs.get(k(shop, id))
      if (!r || r.expires < Date.now()) return null
      return { status: r.status, attempts: r.attempts, at: r.at, ...(r.reason ? { reason: r.reason } : {}) }
    },

    async stats (shop, now = Date.now()): Promise<OutboxStats> {
      const open = [...recs.values()].filter((r) => r.message.shopId === shop && r.status === 'queued' && r.expires > now)
      const c = count(shop)
      return { depth: open.length, oldestAgeMs: open.length ? now - Math.min(...open.map((r) => r.queuedAt)) : 0, sent: c.sent, failed: c.failed }
    },

    async deadLetters (shop, limit): Promise<DeadLetter[]> {
      return (dead.get(shop) ?? []).slice(0, limit).flatMap((id) => {
        const r = recs.get(k(shop, id))
        return r ? [{ message: structuredClone(r.message), reason: r.reason ?? '', attempts: r.attempts, at: r.at }] : []
      })
    },

    async close () { recs.clear() }
  }
}
