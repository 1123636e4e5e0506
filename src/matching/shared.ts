/**
 * What compiled shops share. A provider runs hundreds of shops on one instance, mostly made from
 * the same template: compiling each one from scratch cost ~35 ms and ~3.4 MB per copy of the demo
 * shop (100 copies: 6.8 s, 398 MB; 500 copies overran Fastify's plugin timeout). Most of that was
 * the same work done again — normalising the same built-in marker and lexicon words through OpenCC,
 * the same pinyin, the same automaton over the same keywords — so compiled parts are kept once per
 * process by what they are made of, and a shop whose parts are the same as another's reuses them.
 *
 * Parts are held weakly: once no serving shop uses an automaton (a reload replaced it), it is
 * collected like any other object. Everything shared here is read-only once built.
 */
import { createHash } from 'node:crypto'

/**
 * The digest of the texts a shop was read from (in file order), set by the loader: shops with the
 * same texts compile to the same shared parts. Kept beside the object, not on it, so that a rule set
 * made by spreading a loaded one and changing a field (tests, tools) is never taken for the original.
 */
export const contentOf = new WeakMap<object, string>()

/** A stable key for a list of strings (the hash keeps long keyword lists out of the map). */
export function digestOf (parts: readonly string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('base64')
}

/** Objects by content key, held weakly: the map never keeps a part alive on its own. */
export class Interned<T extends object> {
  private readonly refs = new Map<string, WeakRef<T>>()
  private readonly finalizer = new FinalizationRegistry<string>((key) => {
    if (this.refs.get(key)?.deref() === undefined) this.refs.delete(key)
  })

  get (key: string, make: () => T): T {
    const hit = this.refs.get(key)?.deref()
    if (hit) return hit
    const made = make()
    this.refs.set(key, new WeakRef(made))
    this.finalizer.register(made, key)
    return made
  }

  get size (): number { return this.refs.size }
}

export interface Memo<V> {
  (s: string): V
  /** what was looked up since `record()` began (the reload worker hands it to the main thread) */
  record (): () => Array<[string, V]>
  /** adds results worked out elsewhere (in the reload worker), so this thread need not work them out */
  prime (entries: ReadonlyArray<readonly [string, V]>): void
}

/**
 * A memo of a pure string function for rule text (keywords, markers): bounded, because operators'
 * edits add new words over a process's life. Never for buyers' messages, which are unbounded.
 */
export function memo<V> (fn: (s: string) => V, max = 200_000): Memo<V> {
  let cache = new Map<string, V>()
  let recording: Map<string, V> | undefined
  const get = (s: string): V => {
    let v = cache.get(s)
    if (v === undefined) {
      if (cache.size >= max) cache = new Map()
      v = fn(s)
      cache.set(s, v)
    }
    recording?.set(s, v)
    return v
  }
  return Object.assign(get, {
    record () {
      const seen = (recording = new Map())
      return () => {
        if (recording === seen) recording = undefined
        return [...seen]
      }
    },
    prime (entries: ReadonlyArray<readonly [string, V]>) {
      for (const [k, v] of entries) if (!cache.has(k)) cache.set(k, v)
    }
  })
}
