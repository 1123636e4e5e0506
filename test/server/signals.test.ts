/**
 * Signals on the real process (issue #14, items 5 and 6): SIGHUP reloads and the service keeps
 * serving; SIGTERM ends pending long-poll claims with 204 at once, and they claim nothing after.
 */
import { describe, it, expect } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { startService } from '../helpers/child.js'
import { MINI_RULES } from '../helpers/build.js'
import { REDIS_URL, readyClient, redisPrefixes } from '../helpers/redis.js'
import { until } from '../helpers/until.js'
import { createRedisStore } from '../../src/store/index.js'

const dirs: string[] = []
const newPrefix = redisPrefixes()
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function copyRules (): string {
  const dir = mkdtempSync(join(tmpdir(), 'ar-signals-'))
  dirs.push(dir)
  cpSync(MINI_RULES, dir, { recursive: true })
  return dir
}

const post = async (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('SIGHUP on the real process', () => {
  it('reloads the rules and keeps serving', async () => {
    const dir = copyRules()
    const svc = await startService({ RULES_DIR: dir })
    const file = join(dir, 'shop.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('全国包邮（新疆西藏除外），48小时内发货~', '全国包邮，今天就发~'))
    svc.proc.kill('SIGHUP')
    await svc.waitForLine(/rules reloaded/)
    expect(svc.proc.exitCode).toBeNull()
    const res = await post(`${svc.url}/v1/messages`, { messageId: 'hup-1', conversationId: 'c-hup', buyerId: 'b', text: '包邮吗' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { replies: Array<{ text: string }> }).replies[0]!.text).toBe('亲，全国包邮，今天就发~')
    // a second HUP is a second reload, not the "second signal, exiting" of a shutdown
    svc.proc.kill('SIGHUP')
    await until(() => svc.lines.filter((l) => /rules reloaded/.test(l)).length >= 2, 'the second SIGHUP reload', 30_000)
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200)
    svc.proc.kill('SIGTERM')
    expect((await svc.exited).code).toBe(0)
  }, 90_000)
})

describe('SIGTERM with a long-poll claim pending', () => {
  it.each(['embedded', 'redis'])('%s: the poll ends with 204 at once and claims nothing created after', async (kind) => {
    const prefix = newPrefix()
    const env: Record<string, string> = { RULES_DIR: MINI_RULES, ...(kind === 'redis' ? { REDIS_URL, REDIS_PREFIX: prefix } : {}) }
    const svc = await startService(env)
    const claim = post(`${svc.url}/v1/handoff/claim`, { agentId: 'alice', waitMs: 25_000 })
    // the poll is under way once the service has seen the request
    await until(async () => ((await (await fetch(`${svc.url}/metrics`)).text()).match(/autoreply_claims_waiting (\d+)/)?.[1] ?? '0') === '1', 'the pending claim', 30_000)
    svc.proc.kill('SIGTERM')
    await svc.waitForLine(/shutting down/)
    let ticketId: string | undefined
    const redis = kind === 'redis' ? await readyClient() : undefined
    const store = redis ? createRedisStore({ redis, prefix }) : undefined
    if (store) {
      // another instance queues a chat after the signal: this instance's poll must not take it
      const r = await store.commit({ shopId: 'default', conversationId: 'c-after', buyerId: 'b', messageId: 'm-after', now: Date.now(), lastSeenAt: Date.now(), chat: [{ role: 'buyer', text: '我的快递到哪了', at: Date.now() }], handoff: { reason: 'unmatched', priority: 'normal' }, body: {} })
      ticketId = r.ticket!.id
    }
    const res = await claim
    expect(res.status).toBe(204)
    // its connection closes with it: a keep-alive socket would hold the close past the grace period
    expect(res.headers.get('connection')).toBe('close')
    const exit = await svc.exited
    expect(exit.code).toBe(0)
    if (store && ticketId) {
      const t = await store.getTicket('default', ticketId)
      expect(t?.status).toBe('waiting')
      redis!.disconnect()
    }
  }, 90_000)
})
