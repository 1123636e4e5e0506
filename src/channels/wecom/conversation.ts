/** A WeCom 微信客服 buyer: one conversation per customer-service account (open_kfid) and external user. */
export const WECOM = 'wecom'

export function wecomConversationId (corpId: string, openKfid: string, externalUserid: string): string {
  return `wecom:${corpId}:${openKfid}:${externalUserid}`
}

export function parseWecomConversation (id: string): { corpId: string; openKfid: string; externalUserid: string } | undefined {
  const m = /^wecom:([^:]+):([^:]+):(.+)$/.exec(id)
  return m ? { corpId: m[1]!, openKfid: m[2]!, externalUserid: m[3]! } : undefined
}

/** WeCom: 48 hours after the buyer's last message, at most 5 messages. */
export const WECOM_WINDOW_MS = 48 * 3_600_000
export const WECOM_WINDOW_SENDS = 5

export const wecomWindowKey = (corpId: string, openKfid: string, externalUserid: string) => `window:wecom:${corpId}:${openKfid}:${externalUserid}`
export const cursorKey = (corpId: string, openKfid: string) => `cursor:wecom:${corpId}:${openKfid}`
