/**
 * The `wecom` outbound channel: kf/send_msg. send_msg is allowed only while the session is 未处理 (0)
 * or 由智能助手接待 (1), so before sending the session is moved from 0 to 1 and kept there while our
 * agents answer through the service (never into WeCom's own queue, 2, or to a WeCom servicer, 3).
 * A session a WeCom servicer holds, or one that has ended, fails at once with the reason.
 */
import { createHash } from 'node:crypto'
import { TOKEN_INVALID, WeChatApiError } from '../api-call.js'
import type { TokenCache, TokenSource } from '../access-token.js'
import type { ChannelAccounts } from '../accounts.js'
import type { OutboundChannel, SendResult } from '../../outbox/types.js'
import type { ChannelState } from '../state/types.js'
import { getServiceState, sendKfText, transServiceState, wecomTokenSource } from './api.js'
import { parseWecomConversation, wecomWindowKey, WECOM_WINDOW_SENDS } from './conversation.js'

export interface WeComSenderDeps { accounts: ChannelAccounts; tokens: TokenCache; state: ChannelState; apiBase: string }

const FINAL: Record<number, string> = {
  95001: '95001 WeCom refused: the messages allowed since the buyer last wrote are used up',
  95018: '95018 WeCom refused: the session is not in a state where the API may send'
}

export function createWeComSender (deps: WeComSenderDeps): OutboundChannel {
  return {
    async send (msg): Promise<SendResult> {
      const ref = parseWecomConversation(msg.conversationId)
      if (!ref) return { ok: false, retry: false, reason: `conversation ${msg.conversationId} is not a WeCom conversation` }
      const account = deps.accounts.wecom(msg.shopId).find((a) => a.corp_id === ref.corpId)
      if (!account) return { ok: false, retry: false, reason: `WeCom corp ${ref.corpId} is no longer configured for shop ${msg.shopId}` }
      const window = wecomWindowKey(ref.corpId, ref.openKfid, ref.externalUserid)
      const slot = await deps.state.takeSlot(window, WECOM_WINDOW_SENDS)
      if (slot === 'closed') return { ok: false, retry: false, reason: 'the buyer has not written for 48 hours: WeCom refuses messages until they write again' }
      if (slot === 'full') return { ok: false, retry: false, reason: FINAL[95001]! }
      const src = wecomTokenSource(deps.apiBase, account)
      try {
        await withToken(deps.tokens, src, async (token) => {
          const state = await getServiceState(deps.apiBase, token, ref.openKfid, ref.externalUserid)
          if (state === 0) await transServiceState(deps.apiBase, token, ref.openKfid, ref.externalUserid, 1)
          else if (state !== 1) throw new WeChatApiError(95018, state === 4 ? 'the session has ended (service_state 4)' : `a WeCom servicer or WeCom's own queue holds the session (service_state ${state})`, false)
          // msgid: WeCom drops a second send with the same one, so an outbox retry after a lost answer is not doubled
          await sendKfText(deps.apiBase, token, { touser: ref.externalUserid, open_kfid: ref.openKfid, msgid: createHash('sha1').update(msg.id).digest('hex').slice(0, 32), content: msg.text })
        })
        return { ok: true }
      } catch (err) {
        if (err instanceof WeChatApiError && err.errcode === 95018) return { ok: false, retry: false, reason: `95018 ${err.errmsg}` }
        if (err instanceof WeChatApiError && FINAL[err.errcode]) return { ok: false, retry: false, reason: FINAL[err.errcode]! }
        await deps.state.giveSlot(window).catch(() => undefined)
        if (err instanceof WeChatApiError) return { ok: false, retry: err.retry, reason: err.message }
        return { ok: false, retry: true, reason: (err as Error).message }
      }
    }
  }
}

/** Runs `fn` with the cached token; once more with a fresh one if WeCom says it is invalid or expired. */
export async function withToken<T> (tokens: TokenCache, src: TokenSource, fn: (token: string) => Promise<T>): Promise<T> {
  const token = await tokens.get(src)
  try {
    return await fn(token)
  } catch (err) {
    if (!(err instanceof WeChatApiError) || !TOKEN_INVALID.has(err.errcode)) throw err
    await tokens.invalidate(src, token)
    return fn(await tokens.get(src))
  }
}
