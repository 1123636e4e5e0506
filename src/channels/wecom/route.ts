/**
 * GET|POST /channels/wecom/:shopId — the 微信客服 callback (企业微信 管理后台 → 微信客服 → API → 回调配置).
 * Always encrypted, the receive id is the CorpID. The callback only says "there are new messages":
 * it is answered with `success` at once and the messages are pulled with kf/sync_msg (sync.ts).
 * @see https://developer.work.weixin.qq.com/document/path/94670
 */
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { ERR_CHANNEL_BODY, ERR_CHANNEL_DECRYPT, ERR_CHANNEL_NOT_CONFIGURED, ERR_CHANNEL_SIGNATURE } from '../../errors.js'
import { SHOP_ID } from '../../rules/load.js'
import { createWeChatCipher, WeChatCryptoError } from '../wechat-crypto/cipher.js'
import { sha1Signature, signatureMatches } from '../wechat-crypto/signature.js'
import { parseWeChatXml, text } from '../wechat-crypto/xml.js'
import { rawBodies } from '../raw-body.js'
import type { WeComAccount } from '../settings.js'
import { syncKf } from './sync.js'

export interface WeComRouteOptions { apiBase: string }

const params = z.object({ shopId: z.string().regex(SHOP_ID) })
interface Q { msg_signature?: string; timestamp?: string; nonce?: string; echostr?: string }
const WHAT = 'WeCom'

/** The account whose token signs `encrypted`, and the plaintext for its CorpID. */
function open (accounts: WeComAccount[], q: Q, encrypted: string): { account: WeComAccount; plain: string } {
  if (!q.msg_signature || !q.timestamp || !q.nonce) throw new ERR_CHANNEL_SIGNATURE(`${WHAT}: msg_signature, timestamp and nonce are required in the query`)
  const account = accounts.find((a) => signatureMatches(sha1Signature(a.token.reveal(), q.timestamp!, q.nonce!, encrypted), q.msg_signature))
  if (!account) throw new ERR_CHANNEL_SIGNATURE(WHAT)
  try {
    return { account, plain: createWeChatCipher(account.encoding_aes_key.reveal()).decrypt(encrypted, account.corp_id) }
  } catch (err) {
    if (err instanceof WeChatCryptoError && err.reason === 'wrong_receiver') throw new ERR_CHANNEL_SIGNATURE(`${WHAT}: the message was encrypted for another CorpID than ${account.corp_id}`)
    throw new ERR_CHANNEL_DECRYPT(WHAT, `${(err as Error).message}; check encoding_aes_key`)
  }
}

const route: FastifyPluginAsync<WeComRouteOptions> = async (app, opts) => {
  rawBodies(app)
  const accountsOf = (raw: unknown) => {
    const p = params.safeParse(raw)
    const shopId = p.success ? p.data.shopId : String((raw as { shopId?: unknown }).shopId)
    const accounts = p.success ? app.channelKit.accounts.wecom(shopId) : []
    if (accounts.length === 0) throw new ERR_CHANNEL_NOT_CONFIGURED(WHAT, shopId)
    return { shopId, accounts }
  }

  // 回调配置's check: echostr is encrypted; the plaintext goes back
  app.get('/channels/wecom/:shopId', { schema: { hide: true } }, async (req, reply) => {
    const { accounts } = accountsOf(req.params)
    const q = req.query as Q
    if (!q.echostr) throw new ERR_CHANNEL_SIGNATURE(`${WHAT}: echostr is required`)
    return reply.type('text/plain').send(open(accounts, q, q.echostr).plain)
  })

  app.post('/channels/wecom/:shopId', { schema: { hide: true } }, async (req, reply) => {
    const { shopId, accounts } = accountsOf(req.params)
    const outer = parseWeChatXml(typeof req.body === 'string' ? req.body : '')
    const encrypt = text(outer, 'Encrypt')
    if (!outer || !encrypt) throw new ERR_CHANNEL_BODY(WHAT, 'the body is not <xml> with an Encrypt field')
    const { account, plain } = open(accounts, req.query as Q, encrypt)
    const event = parseWeChatXml(plain)
    if (!event) throw new ERR_CHANNEL_BODY(WHAT, 'the decrypted message is not <xml>')
    const openKfid = text(event, 'OpenKfId')
    if (text(event, 'Event') === 'kf_msg_or_event' && openKfid) {
      app.channelKit.track(syncKf({
        state: app.channelKit.state, tokens: app.channelKit.tokens, apiBase: opts.apiBase, store: app.store, outbox: app.outbox,
        metrics: app.metrics, log: req.log, engine: (s) => app.rules.get(s), wake: () => app.sender?.wake()
      }, shopId, account, openKfid, text(event, 'Token') || undefined))
    }
    return reply.type('text/plain').send('success')
  })
}

export default route
