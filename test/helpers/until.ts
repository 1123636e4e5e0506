/** The one bounded poll of the tests: nothing in them sleeps a fixed time to wait for something. */
import { setTimeout as sleep } from 'node:timers/promises'

/** Polls `probe` until it returns something truthy, and returns that; fails naming `what` after `timeoutMs`. */
export async function until<T> (probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** Reads `read` until `check` accepts what it returned, and returns that (for values that may be falsy). */
export async function untilMatch<T> (read: () => T | Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const hit = await until(async () => { const v = await read(); return check(v) ? { v } : undefined }, what, timeoutMs)
  return hit.v
}
