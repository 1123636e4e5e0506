/**
 * The `wechat` outbound channel (registered in the outbox's channel registry): the customer-service
 * send API, inside the buyer's window. The outbox retries what may be retried and dead-letters the rest.
 * 45015 (window over) and 45047 (too many messages) are final: the send ends as failed with that
 * reason. 40001/40014/42001 drop the cached token and try once more with a fresh one.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 */
import { TOKEN_INVALID, WeChatApiError } from '../api-call.js'
import type { TokenCache } from '../access-token.js'
import type { ChannelAccounts } from '../accounts.js'
import type { OutboundChannel, SendResult } from '../../outbox/types.js'
import type { ChannelState } from '../state/types.js'
import { sendCustomText, wechatTokenSource } from './api.js'
import { parseWechatConversation, windowKey, WINDOW_SENDS } from './conversation.js'

export interface WeChatSenderDeps {
  accounts: ChannelAccounts
  tokens: TokenCache
  state: ChannelState
  apiBase: string
}

const FINAL: Record<number, string> = {
  45015: '45015 the buyer has not written for 48 hours: WeChat refuses customer-service messages until they write again',
  45047: '45047 the 5 messages allowed since the buyer last wrote are used up'
}

export function createWeChatSender (deps: WeChatSenderDeps): OutboundChannel {
  return {
    async send (msg): Promise<SendResult> {
      const ref = parseWechatConversation(msg.conversationId)
      if (!ref) return { ok: false, retry: false, reason: `conversation ${msg.conversationId} is not a WeChat conversation` }
      const account = deps.accounts.wechat(msg.shopId).find((a) => a.app_id === ref.appId)
      if (!account) return { ok: false, retry: false, reason: `WeChat account ${ref.appId} is no longer configured for shop ${msg.shopId}` }
      if (!account.app_secret) return { ok: false, retry: false, reason: `app_secret is not set for ${ref.appId}: the send API needs it` }

      const slot = await deps.state.takeSlot(windowKey(ref.appId, ref.openid), WINDOW_SENDS)
      if (slot === 'closed') return { ok: false, retry: false, reason: FINAL[45015]! }
      if (slot === 'full') return { ok: false, retry: false, reason: FINAL[45047]! }

      const src = wechatTokenSource(deps.apiBase, account)
      try {
        let token = await deps.tokens.get(src)
        try {
          await sendCustomText(deps.apiBase, token, ref.openid, msg.text)
        } catch (err) {
          if (!(err instanceof WeChatApiError) || !TOKEN_INVALID.has(err.errcode)) throw err
          await deps.tokens.invalidate(src, token)
          token = await deps.tokens.get(src)
          await sendCustomText(deps.apiBase, token, ref.openid, msg.text)
        }
        return { ok: true }
      } catch (err) {
        if (err instanceof WeChatApiError && FINAL[err.errcode]) return { ok: false, retry: false, reason: FINAL[err.errcode]! }
        await deps.state.giveSlot(windowKey(ref.appId, ref.openid)).catch(() => undefined)
        if (err instanceof WeChatApiError) return { ok: false, retry: err.retry, reason: err.message }
        return { ok: false, retry: true, reason: (err as Error).message }
      }
    }
  }
}
