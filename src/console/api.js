// Talking to the service. The token lives in sessionStorage (gone when the tab closes) and only
// ever travels in the Authorization header: never in a URL, never in a cookie, so another site
// cannot make the browser send it (no CSRF) and it never lands in a proxy's access log.
import { createParser } from 'eventsource-parser'

const KEY = 'shop-autoreply.console'

export function loadSession () {
  try { return JSON.parse(sessionStorage.getItem(KEY) || 'null') } catch { return null }
}

export function saveSession (session) {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session))
  else sessionStorage.removeItem(KEY)
}

export class ApiError extends Error {
  constructor (status, body) {
    super(body?.message || `HTTP ${status}`)
    this.status = status
    this.code = body?.code
  }
}

/** A JSON call with the bearer token; resolves to null on 204. */
export async function call (token, method, path, body) {
  const headers = { authorization: `Bearer ${token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' })
  if (res.status === 204) return null
  const data = await res.json().catch(() => null)
  if (!res.ok) throw new ApiError(res.status, data)
  return data
}

/**
 * Server-sent events read with fetch(): EventSource cannot send an Authorization header. Reconnects
 * with a growing pause; stops for good on 401/403 (the token is no longer valid).
 * Returns the function that closes the stream.
 */
export function stream (token, path, { onEvent, onState }) {
  const abort = new AbortController()
  let stopped = false
  let pause = 1000
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, cache: 'no-store', credentials: 'omit', signal: abort.signal })
        if (res.status === 401 || res.status === 403) { onState('unauthorized'); return }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        onState('live')
        pause = 1000
        const parser = createParser({ onEvent: (e) => { try { onEvent(e.event || 'message', JSON.parse(e.data)) } catch { /* a torn event: the next snapshot follows */ } } })
        const reader = res.body.getReader()
        const decoder = new TextDecoder()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          parser.feed(decoder.decode(value, { stream: true }))
        }
      } catch {
        if (stopped) return
      }
      onState('reconnecting')
      await new Promise((resolve) => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, 15000)
    }
  }
  run()
  return () => { stopped = true; abort.abort() }
}

/** A message id for retries of one send: crypto.randomUUID needs HTTPS, getRandomValues does not. */
export function clientId () {
  const b = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}
