/**
 * The sender loop: takes due messages of every shop from the outbox, sends each through the
 * channel its conversation recorded, and reports back: sent, retry with backoff, or dead-letter
 * after `maxAttempts`. The outcome is written into the chat (store.setDelivery) so the agent sees
 * it. Every instance runs one; the outbox hands each message to one sender at a time.
 */
import type { Delivery } from '../store/types.js'
import type { ChannelRegistry } from './channels.js'
import type { Lease, OutboundMessage, Outbox, SendResult } from './types.js'

export interface SenderLogger { warn (obj: object, msg: string): void; info (obj: object, msg: string): void }

export interface SenderOptions {
  outbox: Outbox
  channels: ChannelRegistry
  store: { setDelivery (shopId: string, messageId: string, d: Delivery): Promise<void> }
  /** the shops to send for (read on every round, so a reload that adds a shop is picked up) */
  shops: () => string[]
  /** this instance's name in the consumer group */
  consumer: string
  log: SenderLogger
  maxAttempts: number
  /** ms to wait before try `attempt + 1` */
  backoff: (attempt: number) => number
  sendTimeoutMs: number
  /** messages taken per shop per round */
  batch?: number
  /** longest pause between rounds while there is nothing to send */
  idleMs?: number
  onOutcome?: (shopId: string, outcome: 'sent' | 'retry' | 'failed') => void
  /** after a status was written into the chat */
  onDelivery?: (msg: OutboundMessage, d: Delivery) => void
}

export interface Sender {
  /** a message was just queued here: look now instead of after the idle pause */
  wake (): void
  /** stops taking; sends in flight are aborted and left to another instance (their lease lapses) */
  stop (): Promise<void>
}

/** Exponential: base, 2×base, 4×base ... capped. */
export function exponentialBackoff (baseMs: number, maxMs: number): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
}

export function startSender (o: SenderOptions): Sender {
  const stopping = new AbortController()
  const batch = o.batch ?? 16
  const idleMs = o.idleMs ?? 500
  let wakeUp: (() => void) | undefined
  let idleTimer: NodeJS.Timeout | undefined
  let problem = false
  // the earliest retry this sender scheduled: the idle pause ends then, not a full idleMs later
  let nextDue = Infinity

  const report = async (lease: Lease, result: SendResult): Promise<void> => {
    const m = lease.message
    const at = Date.now()
    const write = async (d: Delivery) => {
      await o.store.setDelivery(m.shopId, m.id, d)
      o.onDelivery?.(m, d)
    }
    if (result.ok) {
      // chat first: a crash between the two resends, and the chat still says sent
      await write({ status: 'sent', at, attempts: lease.attempt })
      if (await o.outbox.sent(lease)) o.onOutcome?.(m.shopId, 'sent')
      return
    }
    if (result.retry && lease.attempt < o.maxAttempts) {
      const delay = o.backoff(lease.attempt)
      nextDue = Math.min(nextDue, Date.now() + delay)
      if (await o.outbox.retry(lease, result.reason, delay)) {
        await write({ status: 'queued', at, attempts: lease.attempt, reason: result.reason })
        o.onOutcome?.(m.shopId, 'retry')
      }
      return
    }
    const reason = result.retry ? `gave up after ${lease.attempt} tries: ${result.reason}` : result.reason
    if (await o.outbox.fail(lease, reason)) {
      await write({ status: 'failed', at, attempts: lease.attempt, reason })
      o.onOutcome?.(m.shopId, 'failed')
      o.log.warn({ messageId: m.id, shopId: m.shopId, channel: m.channel, reason }, 'outbox: message dead-lettered')
    }
  }

  const send = async (lease: Lease): Promise<void> => {
    const m = lease.message
    // a message whose senders kept dying (a lapsed lease counts as a try) is not tried forever
    if (lease.attempt > o.maxAttempts) return report(lease, { ok: false, retry: false, reason: `gave up after ${o.maxAttempts} tries: the sender was lost` })
    const channel = o.channels.get(m.channel)
    if (!channel) return report(lease, { ok: false, retry: true, reason: `no channel "${m.channel}" is registered` })
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(o.sendTimeoutMs)])
    let result: SendResult
    try {
      result = await channel.send(m, { attempt: lease.attempt, signal })
    } catch (err) {
      result = { ok: false, retry: true, reason: signal.aborted && !stopping.signal.aborted ? `no answer within ${o.sendTimeoutMs} ms` : (err as Error).message }
    }
    // shutting down mid-send: say nothing; the lease lapses and another instance sends it
    if (stopping.signal.aborted) return
    await report(lease, result)
  }

  const sendLogged = (l: Lease): Promise<void> =>
    send(l).catch((err: Error) => o.log.warn({ messageId: l.message.id, err: err.message }, 'outbox: could not record a send; the lease will lapse and it is tried again'))

  // One conversation's messages one after the other, in the order they were taken; conversations side by
  // side. Sent all at once, a buyer's two answers could reach them crossed (the WeCom test saw it under load).
  const sendInOrder = (leases: Lease[]): Promise<unknown> => {
    const chains = new Map<string, Promise<void>>()
    for (const l of leases) {
      const before = chains.get(l.message.conversationId)
      chains.set(l.message.conversationId, before ? before.then(() => sendLogged(l)) : sendLogged(l))
    }
    return Promise.all(chains.values())
  }

  const round = async (): Promise<number> => {
    let taken = 0
    for (const shop of o.shops()) {
      if (stopping.signal.aborted) break
      const leases = await o.outbox.take(shop, o.consumer, batch)
      taken += leases.length
      await sendInOrder(leases)
    }
    return taken
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let taken = 0
      try {
        taken = await round()
        if (problem) { problem = false; o.log.info({}, 'outbox: store reachable again, sending') }
      } catch (err) {
        if (!problem) o.log.warn({ err: (err as Error).message }, 'outbox: cannot take messages; retrying')
        problem = true
      }
      if (taken > 0 || stopping.signal.aborted) continue
      await new Promise<void>((resolve) => {
        wakeUp = resolve
        idleTimer = setTimeout(resolve, Math.max(0, Math.min(idleMs, nextDue - Date.now())))
        nextDue = Infinity
      })
      clearTimeout(idleTimer)
      wakeUp = undefined
    }
  })()

  return {
    wake () { wakeUp?.() },
    async stop () {
      stopping.abort()
      wakeUp?.()
      await loop
    }
  }
}
