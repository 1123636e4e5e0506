/** The service on 127.0.0.1 (a real port: the browser needs one) on Redis with a random key prefix. */
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createRedisStore } from '../../src/store/index.js'
import { deleteKeys, newPrefix, readyClient } from '../store/helpers.js'
import { DEMO_RULES } from '../helpers/build.js'

export const AGENT_TOKEN = 'agent-token-for-tests'
export const OPERATOR_TOKEN = 'operator-token-for-tests'

export async function startService (env: Record<string, string> = {}) {
  const redis = await readyClient()
  const prefix = newPrefix()
  const config = loadConfig({
    RULES_DIR: DEMO_RULES, RULES_WATCH: 'false', LOG_LEVEL: 'silent', CLASSIFIER: 'false',
    AGENT_TOKEN, OPERATOR_TOKEN, CLAIM_TIMEOUT: '3s', HOST: '127.0.0.1', ...env
  })
  const app = await buildApp({ config, store: createRedisStore({ redis, prefix, claimTimeoutMs: config.CLAIM_TIMEOUT }), logger: false })
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
    app, base, buyer,
    async close () {
      await app.close()
      redis.disconnect()
      await deleteKeys([prefix])
    }
  }
}
