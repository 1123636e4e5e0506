/**
 * The load generator, run by bench/http/run.ts in a process of its own so that it never shares an
 * event loop with the server it measures. The same code, bodies and settings drive every target.
 *   saturate: autocannon, N connections, as many requests as the server takes;
 *   paced:    an open-loop generator issuing requests at a steady rate (a batch per timer tick, about
 *             1 ms) whether or not earlier ones were answered, so a stall in the server is counted for
 *             every request it delayed (no coordinated omission). Latency runs from when the request
 *             was issued, waiting for a free connection included; "late" latency runs from when it was
 *             due and adds the generator's own timer lag (about a tick).
 * Latencies are kept at microsecond resolution (autocannon's own histogram keeps whole ms).
 * Reports one JSON object to the parent over IPC.
 */
import autocannon from 'autocannon'
import http from 'node:http'
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'

export interface LoadSpec {
  url: string
  mode: 'saturate' | 'paced'
  seconds: number
  connections: number
  /** paced: requests per second */
  rate?: number
}

export interface LoadResult {
  mode: LoadSpec['mode']
  seconds: number
  responses: number
  reqPerSec: number
  non2xx: number
  errors: number
  /** ms, from when the request was issued */
  p50: number
  p90: number
  p99: number
  max: number
  /** paced only: p99 ms from when the request was due (adds the generator's timer lag) */
  lateP99?: number
  /** CPU time of the load generator per second of run (1 = one core) */
  cpu: number
}

// Matched messages of every kind the demo shop answers: policy keyword, shipping, catalog item,
// size from figures. Every one is a reply (checked by run.ts before measuring).
export const TEXTS = ['不合适可以退吗', '几天能到', '999是什么颜色', '我身高165体重110斤穿什么码', '包邮吗']
const CONVERSATIONS = 5000

let n = 0
/** A new messageId every time (a repeated one is answered from the idempotency record). */
export function nextBody (): string {
  n++
  return JSON.stringify({ messageId: `bench-${randomUUID()}`, conversationId: `bc-${n % CONVERSATIONS}`, buyerId: `bb-${n % CONVERSATIONS}`, text: TEXTS[n % TEXTS.length] })
}

function percentile (sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
}

class Samples {
  private buf = new Float64Array(1 << 16)
  length = 0
  push (v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2)
      next.set(this.buf)
      this.buf = next
    }
    this.buf[this.length++] = v
  }

  sorted (): Float64Array { return this.buf.slice(0, this.length).sort() }
}

async function saturate (spec: LoadSpec): Promise<LoadResult> {
  const lat = new Samples()
  let non2xx = 0
  const started = performance.now()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon({
      url: spec.url,
      duration: spec.seconds,
      connections: spec.connections,
      headers: { 'content-type': 'application/json' },
      requests: [{ method: 'POST', path: '/v1/messages', setupRequest: (req: autocannon.Request) => ({ ...req, body: nextBody() }) }]
    }, (err, res) => (err ? reject(err) : resolve(res)))
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 200 || status > 299) non2xx++
      lat.push(ms)
    })
  })
  const elapsed = (performance.now() - started) / 1000
  const s = lat.sorted()
  return {
    mode: 'saturate', seconds: elapsed, responses: s.length, reqPerSec: s.length / elapsed, non2xx,
    errors: result.errors + result.timeouts,
    p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s[s.length - 1] ?? NaN, cpu: 0
  }
}

async function paced (spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.rate ?? 1000
  const url = new URL('/v1/messages', spec.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections })
  const fromDue = new Samples()
  const fromIssued = new Samples()
  let non2xx = 0; let errors = 0; let sent = 0; let done = 0
  const total = Math.round(rate * spec.seconds)
  const start = performance.now()

  const fire = (due: number): void => {
    const body = nextBody()
    const at = performance.now()
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => {
        const now = performance.now()
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++
        fromDue.push(now - due)
        fromIssued.push(now - at)
        done++
      })
    })
    req.on('error', () => { errors++; done++ })
    req.end(body)
  }

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - start
      const due = Math.min(total, Math.floor((elapsed * rate) / 1000))
      while (sent < due) fire(start + (1000 * sent++) / rate)
      if (sent < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  // let the last requests finish (bounded: a server that stopped answering must not hang the run)
  const drainUntil = performance.now() + 10_000
  while (done < sent && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5))
  const elapsed = (performance.now() - start) / 1000
  agent.destroy()
  const s = fromIssued.sorted()
  return {
    mode: 'paced', seconds: elapsed, responses: s.length, reqPerSec: s.length / elapsed, non2xx, errors: errors + (sent - done),
    p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s[s.length - 1] ?? NaN,
    lateP99: percentile(fromDue.sorted(), 0.99), cpu: 0
  }
}

// run as a child of bench/http/run.ts (not when imported for its texts)
if (process.send && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec
  const cpu0 = process.cpuUsage()
  const result = spec.mode === 'paced' ? await paced(spec) : await saturate(spec)
  const used = process.cpuUsage(cpu0)
  result.cpu = (used.user + used.system) / 1e6 / result.seconds
  process.send(result, () => process.disconnect())
}
