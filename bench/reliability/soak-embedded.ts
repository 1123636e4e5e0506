/**
 * The service on the embedded store (no REDIS_URL) under a steady message rate, most of them handed
 * off, so waiting tickets pile up into the tens of thousands (issue #14, item 7: p50 went 4 ms →
 * 3.3 s within two minutes when every message walked the open tickets). Reports per window: the
 * messages' p50/p99 (open loop, from when each was due: a stall counts for every request it
 * delayed), the desks' claim latency, the waiting tickets, the server's RSS and event-loop p99.
 *   node --import tsx bench/reliability/soak-embedded.ts [--seconds 300] [--rate 250] [--window 30] [--root DIR]
 * --root runs the server of another checkout (a before-figure: `git worktree add` of an older
 * commit). The server is bench/http/server.ts in a process of its own, on 127.0.0.1 only; the run
 * is bounded (issuing stops after --seconds, a watchdog ends it 60 s later) and stops by itself.
 * Desks alongside: four agents claim, heartbeat and resolve (about 10 tickets a second), one ghost
 * claims two a second and never comes back, so its claims lapse after CLAIM_TIMEOUT (120 s) and go
 * back to the queue; the stats are read every second, as a console would.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { ServerStats } from '../http/server.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' }, rate: { type: 'string', default: '250' },
    window: { type: 'string', default: '30' }, root: { type: 'string' }
  }
})
const seconds = Number(values.seconds)
const rate = Number(values.rate)
const windowMs = Number(values.window) * 1000
const root = resolve(values.root ?? fileURLToPath(new URL('../..', import.meta.url)))
const watchdog = setTimeout(() => { process.stderr.write('soak: over time, stopping\n'); process.exit(1) }, (seconds + 60) * 1000)
watchdog.unref()

// --- the server ---
const server = fork(resolve(root, 'bench/http/server.ts'), ['embedded'], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const port = await new Promise<number>((ok, fail) => {
  server.once('message', (m) => ok((m as { port: number }).port))
  server.once('exit', (code) => fail(new Error(`server exited ${code}`)))
})
const ask = <T>(msg: string) => new Promise<T>((ok) => { server.once('message', (m) => ok(m as T)); server.send(msg) })
const rssMb = (): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

// --- requests ---
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
function post (path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const data = JSON.stringify(body)
  return new Promise((ok) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => ok({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) as unknown : null }))
    })
    req.on('error', () => ok({ status: 0, json: null }))
    req.end(data)
  })
}
function get (path: string): Promise<unknown> {
  return new Promise((ok) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => ok(res.statusCode === 200 ? JSON.parse(text) as unknown : null))
    }).on('error', () => ok(null))
  })
}

// Most messages hand off in a conversation of their own (unanswered questions in a few hundred
// wordings, asks for a person, complaints: urgent); the rest are answerable, in earlier conversations.
const ITEMS = ['发票', '定制', '批发', '直播间', '赠品', '会员', '积分', '优惠券', '预售', '刻字']
const ASKS = ['能开吗', '怎么弄', '有吗', '怎么算', '什么时候有', '能改吗', '可以吗', '找谁', '多少钱', '能退吗']
const ANSWERABLE = ['不合适可以退吗', '几天能到', '999是什么颜色', '包邮吗']
let n = 0
function nextMessage (): { messageId: string; conversationId: string; buyerId: string; text: string } {
  const i = n++
  const r = i % 20
  let conversation = i
  let text: string
  if (r < 3) { text = ANSWERABLE[i % ANSWERABLE.length]!; conversation = Math.floor(Math.random() * Math.max(1, i)) } else if (r < 10) text = '转人工'
  else if (r < 12) text = '我要投诉，东西是坏的'
  else text = `${ITEMS[i % 10]}${ITEMS[Math.floor(i / 10) % 10]}${ASKS[Math.floor(i / 100) % 10]}`
  return { messageId: `soak-${i}`, conversationId: `sc-${conversation}`, buyerId: `sb-${conversation}`, text }
}

interface Window { lat: number[]; claims: number[]; non2xx: number; errors: number; rssMax: number; rssEnd: number; waiting: number; loopP99: number }
const windows: Window[] = []
const windowOf = (t: number): Window => {
  const i = Math.floor(t / windowMs)
  while (windows.length <= i) windows.push({ lat: [], claims: [], non2xx: 0, errors: 0, rssMax: 0, rssEnd: 0, waiting: 0, loopP99: 0 })
  return windows[i]!
}

const start = performance.now()
const total = Math.round(rate * seconds)
let sent = 0; let done = 0
let issuing = true

function fire (due: number): void {
  post('/v1/messages', nextMessage()).then(({ status }) => {
    const w = windowOf(due - start)
    w.lat.push(performance.now() - due)
    if (status === 0) w.errors++
    else if (status < 200 || status > 299) w.non2xx++
    done++
  })
}

// desks: claim, heartbeat, resolve; each waits for its own answers (a slow server slows them too)
async function desk (agentId: string): Promise<void> {
  while (issuing) {
    const at = performance.now()
    const { status, json } = await post('/v1/handoff/claim', { agentId })
    windowOf(at - start).claims.push(performance.now() - at)
    const id = status === 200 ? (json as { id: string }).id : undefined
    if (id) {
      await post(`/v1/handoff/tickets/${id}/heartbeat`, { agentId })
      await post(`/v1/handoff/tickets/${id}/resolve`, { agentId })
    }
    await new Promise((r) => setTimeout(r, 400))
  }
}
async function ghost (): Promise<void> {
  while (issuing) {
    await post('/v1/handoff/claim', { agentId: 'ghost' })
    await new Promise((r) => setTimeout(r, 500))
  }
}

const sampler = setInterval(() => {
  const w = windowOf(performance.now() - start)
  const rss = rssMb()
  w.rssMax = Math.max(w.rssMax, rss)
  w.rssEnd = rss
  void get('/v1/handoff/stats').then((s) => { if (s) windowOf(performance.now() - start).waiting = (s as { waiting: number }).waiting })
}, 1000)
// the server's event-loop delay, per window
const loopTimer = setInterval(() => {
  const w = windowOf(performance.now() - start - 500)
  void ask<ServerStats>('stats').then((s) => { w.loopP99 = s.loopP99; return ask('reset') })
}, windowMs)
await ask('reset')

const desks = [...['a1', 'a2', 'a3', 'a4'].map((a) => desk(a)), ghost()]
await new Promise<void>((ok) => {
  const tick = (): void => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000))
    while (sent < due) fire(start + (1000 * sent++) / rate)
    if (sent < total) setTimeout(tick, 1)
    else ok()
  }
  tick()
})
issuing = false
const drainUntil = performance.now() + 15_000
while (done < sent && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10))
await Promise.race([Promise.all(desks), new Promise((r) => setTimeout(r, 5_000))])
clearInterval(sampler)
clearInterval(loopTimer)
const finalStats = await get('/v1/handoff/stats') as { waiting: number; claimed: number } | null
const finalRss = rssMb()
server.send('close')
agent.destroy()

const pct = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!
}
const f = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1))
process.stdout.write(`\nsoak: ${rate} msg/s for ${seconds} s on the embedded store (${root}); ${sent} sent, ${done} answered, ${sent - done} unanswered after the drain\n\n`)
process.stdout.write('| window | messages | p50 ms | p99 ms | max ms | non-2xx | errors | claim p50 / p99 ms | waiting tickets (end) | RSS MB (end / max) | loop p99 ms |\n')
process.stdout.write('|---|---|---|---|---|---|---|---|---|---|---|\n')
windows.forEach((w, i) => {
  if (w.lat.length === 0 && w.claims.length === 0) return
  const span = `${(i * windowMs) / 1000}–${((i + 1) * windowMs) / 1000} s`
  process.stdout.write(`| ${span} | ${w.lat.length} | ${f(pct(w.lat, 0.5))} | ${f(pct(w.lat, 0.99))} | ${f(Math.max(...w.lat))} | ${w.non2xx} | ${w.errors} | ${f(pct(w.claims, 0.5))} / ${f(pct(w.claims, 0.99))} | ${w.waiting} | ${f(w.rssEnd)} / ${f(w.rssMax)} | ${f(w.loopP99)} |\n`)
})
process.stdout.write(`\nat the end: ${finalStats?.waiting ?? '?'} waiting, ${finalStats?.claimed ?? '?'} claimed, RSS ${f(finalRss)} MB\n`)
process.exit(0)
