/**
 * The service on 127.0.0.1 (a real port: the browser needs one), on the real Redis with a random
 * key prefix, and a buyer-side receiver: a local HTTP server as OUTBOUND_WEBHOOK_URL that records
 * what the shop's channel would carry to the buyer.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { deleteKeys, newPrefix, REDIS_URL } from '../helpers/redis.js'
import { alwaysOpen } from '../helpers/build.js'

export const AGENT_TOKEN = 'agent-token-for-tests'
export const OPERATOR_TOKEN = 'operator-token-for-tests'
export const WEBHOOK_SECRET = 'outbound-secret-for-tests'

export interface Received { headers: IncomingHttpHeaders; body: { messageId: string; conversationId: string; text: string; role: string; agentId?: string } }

export async function startService (env: Record<string, string> = {}) {
  const received: Received[] = []
  /** set to make the buyer's side refuse messages (HTTP 500) */
  const control = { failing: false }
  const receiver = createServer((req, res) => {
    let data = ''
    req.on('data', (c: Buffer) => { data += c.toString('utf8') })
    req.on('end', () => {
      if (control.failing) { res.writeHead(500).end('down'); return }
      received.push({ headers: req.headers, body: JSON.parse(data) as Received['body'] })
      res.writeHead(200).end('ok')
    })
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  const prefix = newPrefix()
  const config = loadConfig({
    RULES_DIR: await alwaysOpen(), RULES_WATCH: 'false', LOG_LEVEL: 'silent', CLASSIFIER: 'false',
    REDIS_URL, REDIS_PREFIX: prefix, AGENT_TOKEN, OPERATOR_TOKEN, CLAIM_TIMEOUT: '15s', HOST: '127.0.0.1',
    // one try: a refused message is reported failed at once (the retry schedule is the outbox's own test)
    OUTBOX_MAX_ATTEMPTS: '1',
    OUTBOUND_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/buyer`, OUTBOUND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...env
  })
  const app = await buildApp({ config, logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  let seq = 0
  /** A buyer message through the webhook, as the platform sends it. */
  const buyer = async (conversationId: string, text: string, nickname?: string) => {
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: `${prefix}${++seq}`, conversationId, buyerId: `b-${conversationId}`, text, ...(nickname ? { buyer: { nickname } } : {}) })
    })
    return await res.json() as { action: string; replies: Array<{ text: string }>; handoff?: { ticketId: string } }
  }
  return {
    app, base, buyer, received, control,
    async close () {
      await app.close()
      receiver.close()
      await deleteKeys([prefix])
    }
  }
}
