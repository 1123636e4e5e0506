/**
 * access_token for the WeChat and WeCom server APIs, cached in ChannelState (Redis: shared by all
 * instances). WeChat's /cgi-bin/token invalidates the previous token five minutes after issuing a
 * new one, so instances must not each fetch their own: one instance holds a short lock and fetches,
 * the others wait (bounded) for its result. Tokens are refreshed well before `expires_in` runs out,
 * and dropped on 40001/40014/42001 only if nobody has replaced them meanwhile.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChannelState } from './state/types.js'

export interface TokenSource {
  /** e.g. `wechat:wx123…` or `wecom:ww123…` */
  key: string
  fetch (): Promise<{ token: string; expiresInS: number }>
}

export interface TokenCache {
  get (src: TokenSource): Promise<string>
  /** the API said `token` is invalid or expired */
  invalidate (src: TokenSource, token: string): Promise<void>
}

interface Cached { t: string; exp: number }

export interface TokenCacheOptions {
  /** refresh this long before the token expires (default 5 min, WeChat's overlap window) */
  refreshBeforeMs?: number
  lockMs?: number
  /** how long to wait for another instance's fetch before fetching anyway */
  waitMs?: number
  now?: () => number
}

export function createTokenCache (state: ChannelState, opts: TokenCacheOptions = {}): TokenCache {
  const refreshBefore = opts.refreshBeforeMs ?? 300_000
  const lockMs = opts.lockMs ?? 10_000
  const waitMs = opts.waitMs ?? 3000
  const now = opts.now ?? Date.now
  const inflight = new Map<string, Promise<string>>()
  const keyOf = (src: TokenSource) => `token:${src.key}`

  const read = async (src: TokenSource): Promise<Cached | undefined> => {
    const raw = await state.get(keyOf(src))
    if (!raw) return undefined
    try { return JSON.parse(raw) as Cached } catch { return undefined }
  }

  const fetchAndStore = async (src: TokenSource): Promise<string> => {
    const { token, expiresInS } = await src.fetch()
    const exp = now() + expiresInS * 1000
    await state.set(keyOf(src), JSON.stringify({ t: token, exp } satisfies Cached), Math.max(1000, exp - now()))
    return token
  }

  const refresh = async (src: TokenSource, stale: Cached | undefined): Promise<string> => {
    const lock = `${keyOf(src)}:lock`
    const me = randomUUID()
    if (await state.setIfAbsent(lock, me, lockMs)) {
      try {
        return await fetchAndStore(src)
      } finally {
        await state.deleteIfEquals(lock, me)
      }
    }
    // another instance is fetching; a stale-but-valid token serves meanwhile
    if (stale && stale.exp > now()) return stale.t
    const deadline = now() + waitMs
    while (now() < deadline) {
      await sleep(50)
      const c = await read(src)
      if (c && c.exp - refreshBefore > now()) return c.t
    }
    return fetchAndStore(src)
  }

  return {
    async get (src) {
      const c = await read(src)
      if (c && c.exp - refreshBefore > now()) return c.t
      let p = inflight.get(src.key)
      if (!p) {
        p = refresh(src, c).finally(() => inflight.delete(src.key))
        inflight.set(src.key, p)
      }
      return p
    },
    async invalidate (src, token) {
      const c = await read(src)
      if (c?.t === token) await state.deleteIfEquals(keyOf(src), JSON.stringify(c))
    }
  }
}
