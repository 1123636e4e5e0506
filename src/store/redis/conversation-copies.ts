/**
 * This instance's copies of the conversations it wrote last, so that a buyer's next message is decided
 * without reading the conversation first: one Redis round trip per message (commit-1.lua) instead of
 * two (receive-2.lua, then commit-1.lua). A copy is only ever a guess: the commit sends it as its basis
 * and writes nothing unless the conversation in Redis is still exactly that, so a copy made stale by
 * another instance, a desk's claim or a lapsed claim costs one more round trip, never a wrong decision.
 */

/** copies kept, the least recently written dropped first: ~0.5 KB each, so a few MB at most */
export const CONVERSATION_COPIES_MAX = 10_000

export class ConversationCopies {
  private readonly copies = new Map<string, string[]>()

  constructor (private readonly max = CONVERSATION_COPIES_MAX) {}

  get size (): number { return this.copies.size }

  /** the conversation hash as HGETALL returned it (field, value, ...), if this instance has a copy */
  get (key: string): string[] | undefined {
    return this.copies.get(key)
  }

  set (key: string, flat: string[]): void {
    // delete first: a Map keeps insertion order, so the oldest write is always first to go
    this.copies.delete(key)
    this.copies.set(key, flat)
    if (this.copies.size > this.max) this.copies.delete(this.copies.keys().next().value!)
  }

  delete (key: string): void {
    this.copies.delete(key)
  }
}

/**
 * The hash as commit-1.lua's `encoded` writes it: each field and value as <UTF-8 byte length>:<text>,
 * so no two different hashes encode the same (a value holding a separator cannot fake a field).
 */
export function encodeBasis (flat: string[]): string {
  let out = ''
  for (const v of flat) out += `${Buffer.byteLength(v)}:${v}`
  return out
}
