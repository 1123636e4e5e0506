/** The shared queue watcher: reads only while someone listens, pushes only changes, bounded. */
import { describe, it, expect, afterEach } from 'vitest'
import { QueueFeed, type QueueSnapshot } from '../../src/service/queue-feed.js'
import { createEmbeddedStore } from '../../src/store/index.js'
import type { Store } from '../../src/store/types.js'
import { until } from '../helpers/until.js'

const stores: Store[] = []
afterEach(async () => { await Promise.all(stores.splice(0).map((s) => s.close())) })

/** The embedded store, counting queue reads. */
function counted () {
  const store = createEmbeddedStore()
  stores.push(store)
  let reads = 0
  const queue = store.queue.bind(store)
  store.queue = async (...a) => { reads++; return await queue(...a) }
  return { store, reads: () => reads }
}

const handoff = (store: Store, id: string, text: string) => store.commit({
  shopId: 'default', conversationId: id, buyerId: `b-${id}`, messageId: id, now: Date.now(), lastSeenAt: Date.now(),
  chat: [{ role: 'buyer', text, at: Date.now() }], handoff: { reason: 'unmatched', priority: 'normal' }, body: null
})

describe('QueueFeed', () => {
  it('reads nothing without subscribers; one read serves every subscriber; unchanged snapshots are not pushed again', async () => {
    const { store, reads } = counted()
    const feed = new QueueFeed({ store, pollMs: 20, previewChars: 4 })
    feed.poke('default')
    expect(reads()).toBe(0)
    const a: QueueSnapshot[] = []
    const b: QueueSnapshot[] = []
    const offA = feed.subscribe('default', (s) => a.push(s))
    await until(() => a.length === 1, 'the first snapshot')
    const offB = feed.subscribe('default', (s) => b.push(s))
    expect(b).toEqual([a[0]]) // the latest snapshot at once, no read of its own
    await until(() => reads() >= 5, 'a few polls')
    expect(a).toHaveLength(1)
    await handoff(store, 'c1', '我的快递到哪了呀')
    await until(() => a.length === 2 && b.length === 2, 'the change pushed to both')
    expect(a[1]!.tickets.map((t) => t.lastBuyerText)).toEqual(['我的快递…'])
    offA()
    offB()
    expect(feed.subscribers()).toBe(0)
    // a poke for a shop nobody watches reads nothing (a read would start synchronously)
    const after = reads()
    feed.poke('default')
    expect(reads()).toBe(after)
    feed.close()
  })
})
