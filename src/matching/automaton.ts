/**
 * The keyword automaton (Aho–Corasick) every message walks once: states as array indexes, the
 * transitions of all states but the root in three flat typed arrays (each state's edges sorted by
 * UTF-16 code unit), the root's in a Map, a failure link and the keywords ending at each state.
 *
 * Why not @monyone/aho-corasick, which built it before: its walk asked each state's Map twice per
 * character (`can`, then `go`), followed failure links through a third Map, and made an iterator per
 * character for the keywords ending there (usually none); that walk was 12% of a decision. And a Map
 * per state is ~300 bytes: the demo shop's 1,600 states took ~480 KB, most of what a shop that shares
 * no file with another costs once compiled (1,000 such shops: 1.4 GB). Flat, a state costs a few
 * bytes. This finds the same matches in the same order (test/matching/automaton.test.ts checks it
 * against that library on every fixture message).
 */
export interface KeywordMatch { keyword: string; begin: number; end: number }

/** Edges of a state up to this many are scanned; more (near the root) are binary-searched. */
const SCAN = 8

export class KeywordAutomaton {
  private readonly root = new Map<number, number>()
  /** edges of state s: units/targets[first[s] .. first[s + 1]) */
  private readonly first: Int32Array
  private readonly units: Uint16Array
  private readonly targets: Int32Array
  private readonly fail: Int32Array
  /** keywords ending at each state: its own first, then those of its failure chain */
  private readonly out: Array<readonly string[] | undefined>

  constructor (keywords: Iterable<string>) {
    // built with a Map per state, then flattened
    const next: Array<Map<number, number>> = [new Map()]
    const out: Array<readonly string[] | undefined> = [undefined]
    for (const keyword of keywords) {
      if (keyword === '') continue
      let state = 0
      for (let i = 0; i < keyword.length; i++) {
        const unit = keyword.charCodeAt(i)
        let to = next[state]!.get(unit)
        if (to === undefined) {
          to = next.length
          next.push(new Map())
          out.push(undefined)
          next[state]!.set(unit, to)
        }
        state = to
      }
      const own = out[state]
      if (!own?.includes(keyword)) out[state] = [...(own ?? []), keyword]
    }
    // failure links breadth first: a state's link is the longest proper suffix that is also a state
    const fail = new Int32Array(next.length)
    const queue = [...next[0]!.values()]
    for (let q = 0; q < queue.length; q++) {
      const state = queue[q]!
      for (const [unit, to] of next[state]!) {
        let f = fail[state]!
        while (f !== 0 && !next[f]!.has(unit)) f = fail[f]!
        const link = next[f]!.get(unit) ?? 0
        fail[to] = link
        const inherited = out[link]
        if (inherited) {
          const own = out[to]
          // a state that ends no keyword of its own shares its link's list rather than a copy
          out[to] = own === undefined ? inherited : [...own, ...inherited.filter((k) => !own.includes(k))]
        }
        queue.push(to)
      }
    }
    let edges = 0
    for (let s = 1; s < next.length; s++) edges += next[s]!.size
    this.first = new Int32Array(next.length + 1)
    this.units = new Uint16Array(edges)
    this.targets = new Int32Array(edges)
    let at = 0
    for (let s = 0; s < next.length; s++) {
      this.first[s] = at
      if (s === 0) continue
      for (const [unit, to] of [...next[s]!].sort((a, b) => a[0] - b[0])) {
        this.units[at] = unit
        this.targets[at++] = to
      }
    }
    this.first[next.length] = at
    for (const [unit, to] of next[0]!) this.root.set(unit, to)
    this.fail = fail
    this.out = out
  }

  /** number of states (the root included) */
  get size (): number { return this.fail.length }

  /** The state reached from `state` on `unit`, or -1. */
  private step (state: number, unit: number): number {
    if (state === 0) return this.root.get(unit) ?? -1
    const { units } = this
    let lo = this.first[state]!
    let hi = this.first[state + 1]!
    if (hi - lo <= SCAN) {
      for (; lo < hi; lo++) if (units[lo] === unit) return this.targets[lo]!
      return -1
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const u = units[mid]!
      if (u === unit) return this.targets[mid]!
      if (u < unit) lo = mid + 1
      else hi = mid
    }
    return -1
  }

  /** Every keyword occurrence, overlapping ones included, by end offset, then longest first. */
  matchInText (text: string): KeywordMatch[] {
    const { fail, out } = this
    const found: KeywordMatch[] = []
    let state = 0
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i)
      let to = this.step(state, unit)
      while (to < 0 && state !== 0) {
        state = fail[state]!
        to = this.step(state, unit)
      }
      state = to < 0 ? 0 : to
      const ending = out[state]
      if (ending !== undefined) for (const keyword of ending) found.push({ keyword, begin: i + 1 - keyword.length, end: i + 1 })
    }
    return found
  }
}
