/**
 * A shop's own outbound webhook (outbound_webhook in its rule files) wins over OUTBOUND_WEBHOOK_URL;
 * its secret is read from the variable the file names.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, msg, MINI_RULES } from '../helpers/build.js'
import { receiver } from '../helpers/receiver.js'
import { until } from '../helpers/until.js'
import { verifySignature } from '../../src/signing/signature.js'

afterEach(() => { delete process.env.TEST_SHOP_SECRET })

function rulesWith (outbound: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-outbound-'))
  copyFileSync(join(MINI_RULES, 'shop.yaml'), join(dir, 'shop.yaml'))
  writeFileSync(join(dir, 'outbound.yaml'), outbound)
  return dir
}

describe('per-shop outbound webhook', () => {
  it('goes to the URL in the rule files, signed with the secret its variable holds', async () => {
    const shopRx = await receiver()
    const envRx = await receiver()
    process.env.TEST_SHOP_SECRET = 'shop-secret-0123456789'
    const rules = rulesWith(`outbound_webhook:\n  url: ${shopRx.url}\n  secret_env: TEST_SHOP_SECRET\n`)
    const app = await build({ rules, env: { OUTBOUND_WEBHOOK_URL: envRx.url } })
    await app.inject({ method: 'POST', url: '/v1/messages', payload: msg('转人工', { conversationId: 'per-shop' }) })
    const t = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'alice' } })).json()
    await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${t.id}/replies`, payload: { agentId: 'alice', text: '您好', clientMsgId: '1' } })
    await until(() => shopRx.delivered().length === 1, 'delivery to the shop\'s URL')
    expect(envRx.requests).toHaveLength(0)
    const r = shopRx.delivered()[0]!
    expect(verifySignature('shop-secret-0123456789', r.headers['x-autoreply-signature'] as string, r.body)).toEqual({ ok: true })
  })

  it('a secret_env that is not set stops the load with file, line and the variable', async () => {
    const rules = rulesWith('outbound_webhook:\n  url: http://127.0.0.1:9/x\n  secret_env: TEST_SHOP_SECRET\n')
    await expect(build({ rules })).rejects.toThrow(/outbound\.yaml:\d+.*environment variable TEST_SHOP_SECRET is not set/)
  })
})
