/**
 * The live queue for the console: one watcher per shop, shared by every desk connected to this
 * instance, that reads a snapshot (open tickets and the queue stats) and pushes it to subscribers
 * when it changed. It reads when poked (this instance served a message or a desk's action) and
 * otherwise on a bounded interval, so chats queued by other instances or claimed straight from
 * Redis show up too. With nobody subscribed it reads nothing.
 */
import type { HandoffStats, QueueEntry, ReplyStats, Store } from '../store/types.js'

export interface QueueSnapshot {
  shopId: string
  /** epoch ms on the server when read (desks correct their clock with it) */
  at: number
  tickets: QueueEntry[]
  stats: Omit<HandoffStats, 'oldestWaitMs'> & ReplyStats
}

export type Listener = (s: QueueSnapshot) => void

export interface QueueFeedOptions {
  store: Store
  /** the bounded re-read while desks are connected */
  pollMs?: number
  /** open tickets of each kind (waiting, claimed) in a snapshot */
  limit?: number
  /** the preview of the buyer's last message is cut to this many characters */
  previewChars?: number
  onError?: (err: Error) => void
}

interface ShopWatch { listeners: Set<Listener>; last?: QueueSnapshot; key?: string; timer?: NodeJS.Timeout; reading?: Promise<void>; again: boolean }

export class QueueFeed {
  private readonly shops = new Map<string, ShopWatch>()
  private readonly pollMs: number
  private readonly limit: number
  private readonly previewChars: number

  constructor (private readonly opts: QueueFeedOptions) {
    this.pollMs = opts.pollMs ?? 1000
    this.limit = opts.limit ?? 100
    this.previewChars = opts.previewChars ?? 120
  }

  /** Current snapshot first (read now if none), then every change. Returns the unsubscribe. */
  subscribe (shopId: string, fn: Listener): () => void {
    let w = this.shops.get(shopId)
    if (!w) this.shops.set(shopId, (w = { listeners: new Set(), again: false }))
    w.listeners.add(fn)
    if (w.last) fn(w.last)
    else this.poke(shopId)
    if (!w.timer) {
      w.timer = setInterval(() => this.poke(shopId), this.pollMs)
      w.timer.unref()
    }
    return () => {
      w.listeners.delete(fn)
      if (w.listeners.size === 0) {
        clearInterval(w.timer)
        this.shops.delete(shopId)
      }
    }
  }

  subscribers (): number {
    let n = 0
    for (const w of this.shops.values()) n += w.listeners.size
    return n
  }

  /** Something changed in this shop's queue: read again (once more after a read in progress). */
  poke (shopId: string): void {
    const w = this.shops.get(shopId)
    if (!w) return
    if (w.reading) { w.again = true; return }
    w.reading = this.read(shopId, w).finally(() => {
      w.reading = undefined
      if (w.again) { w.again = false; this.poke(shopId) }
    })
  }

  async snapshot (shopId: string): Promise<QueueSnapshot> {
    const at = Date.now()
    const [tickets, stats, replies] = await Promise.all([this.opts.store.queue(shopId, this.limit, at), this.opts.store.stats(shopId, at), this.opts.store.replyStats(shopId, at)])
    // the oldest wait grows every millisecond: desks compute waits from createdAt instead
    const { oldestWaitMs: _w, ...steady } = stats
    const cut = tickets.map((t) => t.lastBuyerText && t.lastBuyerText.length > this.previewChars
      ? { ...t, lastBuyerText: `${t.lastBuyerText.slice(0, this.previewChars)}…` }
      : t)
    return { shopId, at, tickets: cut, stats: { ...steady, ...replies } }
  }

  close (): void {
    for (const w of this.shops.values()) clearInterval(w.timer)
    this.shops.clear()
  }

  private async read (shopId: string, w: ShopWatch): Promise<void> {
    try {
      const s = await this.snapshot(shopId)
      const key = JSON.stringify([s.tickets, s.stats])
      if (key === w.key) return
      w.key = key
      w.last = s
      for (const fn of w.listeners) fn(s)
    } catch (err) {
      // Redis down: the desks keep the last snapshot; the next poll tries again
      this.opts.onError?.(err as Error)
    }
  }
}
