/**
 * Entries that expire a fixed time after their last write, as a Redis key does that is given its TTL
 * on every write (SET ... PX, PEXPIRE). One TTL for every entry and a clock that does not run back
 * make the Map's insertion order the order of expiry (a write re-inserts its entry at the end), so
 * the expired entries are always at the front: purging takes them from there and stops at the first
 * live one, O(1) for each entry removed and never a walk over the live ones. A clock stepped back
 * only delays purging; a read never returns an expired entry.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>()
  /**
   * No entry expires before this: purging returns at once until then. Without it every write walked
   * the Map from its front, and a Map whose entries are re-set (deleted and added at the end) keeps
   * the deleted slots at its front until it is rehashed: the walk skipped thousands of them, a third
   * of an embedded commit's time. It may be early (an entry re-set since), never late.
   */
  private noneBefore = Infinity

  constructor (private readonly ttlMs: number, private readonly clock: () => number) {}

  /** entries held, expired ones not yet purged included */
  get size (): number { return this.entries.size }

  get (key: K): V | undefined {
    const e = this.entries.get(key)
    if (!e) return undefined
    if (e.expires <= this.clock()) {
      this.entries.delete(key)
      return undefined
    }
    return e.value
  }

  /** stores the value and starts its TTL again */
  set (key: K, value: V): V {
    this.entries.delete(key)
    const expires = this.clock() + this.ttlMs
    this.entries.set(key, { value, expires })
    if (expires < this.noneBefore) this.noneBefore = expires
    return value
  }

  delete (key: K): boolean { return this.entries.delete(key) }

  /** drops up to `limit` expired entries; the number dropped */
  purge (limit: number): number {
    const now = this.clock()
    if (now < this.noneBefore) return 0
    let n = 0
    this.noneBefore = Infinity
    for (const [key, e] of this.entries) {
      if (e.expires > now) { this.noneBefore = e.expires; break }
      if (n >= limit) { this.noneBefore = e.expires; break }
      this.entries.delete(key)
      n++
    }
    return n
  }
}
