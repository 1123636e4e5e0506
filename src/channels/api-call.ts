/**
 * One call to a WeChat or WeCom server API. Both answer HTTP 200 with `{errcode, errmsg}` on
 * failure; errcode -1 (system busy) and network failures may be retried, anything else is an
 * answer. URLs carry access tokens and secrets in the query, so they are never logged or put in errors.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
 */
export class WeChatApiError extends Error {
  constructor (readonly errcode: number, readonly errmsg: string, readonly retry: boolean) {
    super(`WeChat API error ${errcode}: ${errmsg}`)
  }
}

export const TOKEN_INVALID = new Set([40001, 40014, 42001])

const TIMEOUT_MS = 5000

export async function callApi<T extends object> (base: string, path: string, query: Record<string, string>, body?: unknown): Promise<T & { errcode?: number; errmsg?: string }> {
  const url = new URL(path, base.endsWith('/') ? base : base + '/')
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  let res: Response
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch (err) {
    throw new WeChatApiError(-2, `network: ${(err as Error).name}`, true)
  }
  if (!res.ok) throw new WeChatApiError(-3, `HTTP ${res.status}`, res.status >= 500 || res.status === 429)
  let json: T & { errcode?: number; errmsg?: string }
  try {
    json = await res.json() as T & { errcode?: number; errmsg?: string }
  } catch {
    throw new WeChatApiError(-4, 'response is not JSON', true)
  }
  if (json.errcode !== undefined && json.errcode !== 0) throw new WeChatApiError(json.errcode, String(json.errmsg ?? ''), json.errcode === -1)
  return json
}
