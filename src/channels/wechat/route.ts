/**
 * GET|POST /channels/wechat/:shopId — a shop's Official Account or mini-program customer service
 * points its 服务器配置 here. A thin mapping onto the webhook's path (handleMessage): the same
 * decision, idempotency and handoff. An answer ready within the budget goes back in the response
 * (passive XML); a later one, and every mini-program answer, goes through the send API.
 */
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { handleMessage, type BuyerMessage, type MessageResponse } from '../../service/handle-message.js'
import { ERR_CHANNEL_NOT_CONFIGURED, ERR_CHANNEL_SIGNATURE, ERR_UNKNOWN_SHOP } from '../../errors.js'
import { SHOP_ID } from '../../rules/load.js'
import { recordOutcome } from '../../service/record-outcome.js'
import { rawBodies } from '../raw-body.js'
import { signedBy, verifyPush, type SignedQuery } from './verify.js'
import { mapInbound } from './inbound.js'
import { joinReplies, passiveText } from './reply.js'
import { WECHAT, WINDOW_MS, wechatConversationId, windowKey } from './conversation.js'

export interface WeChatRouteOptions { budgetMs: number }

const params = z.object({ shopId: z.string().regex(SHOP_ID) })
const DEFERRED_TTL_MS = 86_400_000

const route: FastifyPluginAsync<WeChatRouteOptions> = async (app, opts) => {
  rawBodies(app)

  const accountsOf = (raw: unknown) => {
    const p = params.safeParse(raw)
    const shopId = p.success ? p.data.shopId : String((raw as { shopId?: unknown }).shopId)
    const accounts = p.success ? app.channelKit.accounts.wechat(shopId) : []
    if (accounts.length === 0) throw new ERR_CHANNEL_NOT_CONFIGURED('WeChat', shopId)
    return { shopId, accounts }
  }

  // the console's 服务器配置 check: echo echostr when the token signs the request
  app.get('/channels/wechat/:shopId', { schema: { hide: true } }, async (req, reply) => {
    const { accounts } = accountsOf(req.params)
    const q = req.query as SignedQuery & { echostr?: string }
    if (signedBy(accounts, q).length === 0) throw new ERR_CHANNEL_SIGNATURE('WeChat')
    return reply.type('text/plain').send(q.echostr ?? '')
  })

  app.post('/channels/wechat/:shopId', { schema: { hide: true } }, async (req, reply) => {
    const { shopId, accounts } = accountsOf(req.params)
    const engine = app.rules.get(shopId)
    if (!engine) throw new ERR_UNKNOWN_SHOP(shopId)
    const v = verifyPush(accounts, req.query as SignedQuery, typeof req.body === 'string' ? req.body : '')
    const success = () => reply.type('text/plain').send('success')
    const inbound = mapInbound(v.fields)
    const appId = v.account.app_id
    const openid = inbound.openid
    // any interaction opens the buyer's 48-hour window for the send API
    if (openid && (inbound.kind === 'message' || inbound.opensWindow)) {
      await app.channelKit.state.openWindow(windowKey(appId, openid), WINDOW_MS).catch((err: Error) => req.log.warn({ err: err.message }, 'wechat: could not record the send window'))
    }
    if (inbound.kind === 'ignore') return success()

    const msg: BuyerMessage = {
      messageId: `wechat:${appId}:${inbound.messageId}`,
      conversationId: wechatConversationId(appId, inbound.openid),
      buyerId: inbound.openid,
      shopId,
      type: inbound.type,
      ...(inbound.text !== undefined ? { text: inbound.text } : {})
    }
    let duplicate = false
    const work = handleMessage(engine, msg, { store: app.store, log: req.log }, WECHAT).then((outcome) => {
      recordOutcome(app.metrics, shopId, outcome)
      duplicate = outcome.duplicate
      return outcome.response
    })
    const passive = v.account.kind === 'official_account' && !v.json
    const deferredKey = `deferred:${msg.messageId}`

    // the answer through the outbox (idempotent on its id, so a redelivery queues nothing new)
    const enqueue = async (res: MessageResponse): Promise<void> => {
      if (res.replies.length === 0) return
      await app.outbox.enqueue({ id: `${msg.messageId}:bot`, shopId, conversationId: msg.conversationId, buyerId: msg.buyerId, channel: WECHAT, role: 'bot', text: joinReplies(res.replies), sentAt: Date.now() })
      app.sender?.wake()
    }

    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), opts.budgetMs) })
    const first = await Promise.race([work, late]).finally(() => clearTimeout(timer))
    if (first !== 'late' && !passive) {
      // the mini-program cannot answer in the response: queued before WeChat gets its `success`
      await enqueue(first)
      return success()
    }
    if (first === 'late') {
      const wasDeferred = await app.channelKit.state.get(deferredKey).catch(() => null)
      // a redelivery of this message must not answer in its response what the send API will deliver
      await app.channelKit.state.set(deferredKey, '1', DEFERRED_TTL_MS).catch((err: Error) => req.log.warn({ err: err.message }, 'wechat: could not mark the answer as sent later'))
      req.log.warn({ budgetMs: opts.budgetMs }, 'wechat: answer not ready within the budget; it goes through the send API')
      // a slow redelivery of a message already answered in an earlier response sends nothing
      app.channelKit.track(work.then((res) => (duplicate && !wasDeferred ? undefined : enqueue(res))))
      return success()
    }
    const res = first
    req.log.info({ action: res.action, intents: res.matched.map((m) => m.intent), handoff: res.handoff?.reason, duplicate }, 'answered')
    if (res.replies.length === 0) return success()
    if (duplicate && await app.channelKit.state.get(deferredKey).catch(() => null)) return success()
    return reply.type('application/xml').send(passiveText(v.account, v.encrypted, inbound.openid, inbound.account, joinReplies(res.replies)))
  })
}

export default route
