/**
 * The Official Account / mini-program server API: access_token and the customer-service send.
 * Mini-programs use the same /cgi-bin/message/custom/send as Official Accounts.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/kf-mgnt/kf-message/sendCustomMessage.html
 */
import { callApi } from '../api-call.js'
import type { TokenSource } from '../access-token.js'
import type { WeChatAccount } from '../settings.js'

export function wechatTokenSource (base: string, account: WeChatAccount): TokenSource {
  return {
    key: `wechat:${account.app_id}`,
    async fetch () {
      const res = await callApi<{ access_token: string; expires_in: number }>(base, 'cgi-bin/token', {
        grant_type: 'client_credential', appid: account.app_id, secret: account.app_secret!.reveal()
      })
      return { token: res.access_token, expiresInS: res.expires_in }
    }
  }
}

export async function sendCustomText (base: string, accessToken: string, openid: string, content: string): Promise<void> {
  await callApi(base, 'cgi-bin/message/custom/send', { access_token: accessToken }, { touser: openid, msgtype: 'text', text: { content } })
}
