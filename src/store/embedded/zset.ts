/**
 * A sorted set in the manner of a Redis ZSET: string members ordered by score, ties by member, with
 * rank and counts by score range in O(log n). The embedded store keeps its queue, claims and 24-hour
 * windows in these where the Redis store keeps ZSETs, so both stores answer from the same shapes.
 * The tree is js-sdsl's red-black tree with subtree sizes (enableIndex), which gives an iterator
 * its index in O(log n).
 * @see https://redis.io/docs/latest/develop/data-types/sorted-sets/
 */
import { OrderedSet } from 'js-sdsl'

/** A member that sorts after every real one of its score: the upper end of a score range. */
const AFTER = Symbol('after')
type Key = readonly [score: number, member: string | typeof AFTER]

function compare (a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1
  if (a[1] === b[1]) return 0
  if (a[1] === AFTER) return 1
  if (b[1] === AFTER) return -1
  return a[1] < b[1] ? -1 : 1
}

export class ZSet {
  private readonly tree = new OrderedSet<Key>([], compare, true)
  private readonly scores = new Map<string, number>()

  get size (): number { return this.scores.size }

  score (member: string): number | undefined { return this.scores.get(member) }

  /** adds the member, or moves it to its new score */
  add (member: string, score: number): void {
    const old = this.scores.get(member)
    if (old === score) return
    if (old !== undefined) this.tree.eraseElementByKey([old, member])
    this.tree.insert([score, member])
    this.scores.set(member, score)
  }

  remove (member: string): boolean {
    const old = this.scores.get(member)
    if (old === undefined) return false
    this.tree.eraseElementByKey([old, member])
    this.scores.delete(member)
    return true
  }

  /** members before this one (ZRANK), undefined when absent */
  rank (member: string): number | undefined {
    const score = this.scores.get(member)
    return score === undefined ? undefined : this.indexOf([score, member])
  }

  /** members with min <= score <= max (ZCOUNT) */
  count (min: number, max: number): number {
    if (min > max) return 0
    return this.indexOf([max, AFTER]) - this.indexOf([min, ''])
  }

  first (): { member: string; score: number } | undefined {
    const k = this.tree.front()
    return k ? { member: k[1] as string, score: k[0] } : undefined
  }

  /** up to `limit` members from the start-th on, in order (ZRANGE start start+limit-1) */
  range (start: number, limit: number): string[] {
    if (start >= this.size || limit <= 0) return []
    return this.collect(this.tree.find(this.tree.getElementByPos(start)), -Infinity, Infinity, limit)
  }

  /** up to `limit` members with min <= score <= max, in order (ZRANGEBYSCORE ... LIMIT 0 limit) */
  rangeByScore (min: number, max: number, limit = Infinity): string[] {
    // nothing as low as max (no lapsed claim, nothing a day old: nearly every call) needs no tree walk
    const front = this.tree.front()
    if (front === undefined || front[0] > max) return []
    return this.collect(this.tree.lowerBound([min, '']), min, max, limit)
  }

  /** removes members with min <= score <= max (ZREMRANGEBYSCORE); O(log n) for each one removed */
  removeRangeByScore (min: number, max: number): number {
    const gone = this.rangeByScore(min, max)
    for (const m of gone) this.remove(m)
    return gone.length
  }

  /** position of the first member at or after `key`; the end iterator's own index is not the size */
  private indexOf (key: Key): number {
    const it = this.tree.lowerBound(key)
    return it.equals(this.tree.end()) ? this.size : it.index
  }

  private collect (it: ReturnType<OrderedSet<Key>['begin']>, min: number, max: number, limit: number): string[] {
    const out: string[] = []
    const end = this.tree.end()
    for (; out.length < limit && !it.equals(end); it.next()) {
      const [score, member] = it.pointer
      if (score < min) continue
      if (score > max) break
      out.push(member as string)
    }
    return out
  }
}
