/** ChannelState in this process only: demo mode, lost on restart, not shared between instances. */
import type { ChannelState, SlotResult } from './types.js'

interface Entry { value: string; until?: number }

export function createEmbeddedChannelState (now: () => number = Date.now): ChannelState {
  const data = new Map<string, Entry>()
  const live = (key: string): Entry | undefined => {
    const e = data.get(key)
    if (e?.until !== undefined && e.until <= now()) {
      data.delete(key)
      return undefined
    }
    return e
  }
  const put = (key: string, value: string, ttlMs?: number, keepTtl = false): void => {
    const until = ttlMs !== undefined ? now() + ttlMs : keepTtl ? data.get(key)?.until : undefined
    data.set(key, { value, until })
  }
  return {
    kind: 'embedded',
    async get (key) { return live(key)?.value ?? null },
    async set (key, value, ttlMs) { put(key, value, ttlMs) },
    async setIfAbsent (key, value, ttlMs) {
      if (live(key)) return false
      put(key, value, ttlMs)
      return true
    },
    async deleteIfEquals (key, value) {
      if (live(key)?.value !== value) return false
      data.delete(key)
      return true
    },
    async del (key) { data.delete(key) },
    async openWindow (key, ttlMs) { put(key, '0', ttlMs) },
    async takeSlot (key, limit): Promise<SlotResult> {
      const e = live(key)
      if (!e) return 'closed'
      const sent = Number(e.value)
      if (sent >= limit) return 'full'
      put(key, String(sent + 1), undefined, true)
      return 'ok'
    },
    async giveSlot (key) {
      const e = live(key)
      if (e && Number(e.value) > 0) put(key, String(Number(e.value) - 1), undefined, true)
    }
  }
}
