/**
 * How a WeChat buyer maps onto the service's ids. One conversation per buyer and account (an openid
 * is per account); the account is in the id so a reply finds its way back without another lookup.
 */
export const WECHAT = 'wechat'

export function wechatConversationId (appId: string, openid: string): string {
  return `wechat:${appId}:${openid}`
}

export function parseWechatConversation (conversationId: string): { appId: string; openid: string } | undefined {
  const m = /^wechat:(wx[0-9A-Za-z]{16}):(.+)$/.exec(conversationId)
  return m ? { appId: m[1]!, openid: m[2]! } : undefined
}

/** WeChat: 48 hours after the buyer's last message, at most 5 customer-service messages. */
export const WINDOW_MS = 48 * 3_600_000
export const WINDOW_SENDS = 5

export function windowKey (appId: string, openid: string): string {
  return `window:wechat:${appId}:${openid}`
}
