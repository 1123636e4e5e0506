/**
 * Entries that expire a fixed time after their last write, as a Redis key does that is given its TTL
 * on every write (SET ... PX, PEXPIRE). One TTL for every entry and a clock that does not run back
 * make the order of writes the order of expiry, so the entries live in slots numbered in write order
 * and the expired ones are always at the front: purging takes them from there and stops at the first
 * live one, O(1) for each entry removed and never a walk over the live ones. A clock stepped back
 * only delays purging; a read never returns an expired entry.
 *
 * Why slots and not a Map of { value, expires } objects: the embedded store writes one entry per
 * message into maps that hold a day of them (the idempotency records, 100,000s), and each entry was
 * an object plus a boxed expiry that outlived every young-generation GC. Here an entry is a key →
 * slot number (a small integer, never boxed) in the Map, its key and value in two arrays and its
 * expiry in a Float64Array: 34 B less heap per message held, +2–3% webhook req/s (docs/benchmarks.md).
 */
const INITIAL_SLOTS = 64

export class ExpiringMap<K, V> {
  /** key → its slot; a slot's key is undefined once the entry is gone or was written again */
  private readonly index = new Map<K, number>()
  private keys: Array<K | undefined> = []
  private values: Array<V | undefined> = []
  private expires = new Float64Array(INITIAL_SLOTS)
  /** the oldest slot that may hold an entry, and the next slot to write */
  private head = 0
  private tail = 0

  constructor (private readonly ttlMs: number, private readonly clock: () => number) {}

  /** entries held, expired ones not yet purged included */
  get size (): number { return this.index.size }

  get (key: K): V | undefined {
    const s = this.index.get(key)
    if (s === undefined) return undefined
    if (this.expires[s]! <= this.clock()) {
      this.drop(key, s)
      return undefined
    }
    return this.values[s]
  }

  /** stores the value and starts its TTL again */
  set (key: K, value: V): V {
    const old = this.index.get(key)
    if (old !== undefined) this.clear(old)
    if (this.tail === this.expires.length) this.makeRoom()
    const s = this.tail++
    this.keys[s] = key
    this.values[s] = value
    this.expires[s] = this.clock() + this.ttlMs
    this.index.set(key, s)
    return value
  }

  delete (key: K): boolean {
    const s = this.index.get(key)
    if (s === undefined) return false
    this.drop(key, s)
    return true
  }

  /** drops up to `limit` expired entries; the number dropped */
  purge (limit: number): number {
    const now = this.clock()
    let n = 0
    while (this.head < this.tail) {
      const s = this.head
      const key = this.keys[s]
      // a slot emptied by a delete or a later write: skipped once, for good
      if (key !== undefined) {
        if (n >= limit || this.expires[s]! > now) break
        this.drop(key, s)
        n++
      }
      this.head++
    }
    return n
  }

  private drop (key: K, s: number): void {
    this.index.delete(key)
    this.clear(s)
  }

  private clear (s: number): void {
    this.keys[s] = undefined
    this.values[s] = undefined
  }

  /**
   * The last slot is taken: the entries move to the front (each slot renumbered in the index) when
   * at most half the slots hold one, else the slots double. Either way at least as many writes as
   * entries moved come before the next move, so a write costs O(1) on average.
   */
  private makeRoom (): void {
    const capacity = this.expires.length
    const target = this.index.size <= capacity / 2 ? this.expires : new Float64Array(capacity * 2)
    let w = 0
    for (let r = this.head; r < this.tail; r++) {
      const key = this.keys[r]
      if (key === undefined) continue
      if (w !== r) {
        this.keys[w] = key
        this.values[w] = this.values[r]
        this.index.set(key, w)
      }
      target[w] = this.expires[r]!
      w++
    }
    this.keys.length = w
    this.values.length = w
    this.expires = target
    this.head = 0
    this.tail = w
  }
}
