/**
 * The passive reply: WeChat accepts one message in the HTTP response to its push. In safe mode
 * the reply is encrypted and signed with a fresh timestamp and nonce.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 */
import { randomInt } from 'node:crypto'
import { createWeChatCipher } from '../wechat-crypto/cipher.js'
import { sha1Signature } from '../wechat-crypto/signature.js'
import { buildWeChatXml } from '../wechat-crypto/xml.js'
import type { WeChatAccount } from '../settings.js'

export function passiveText (account: WeChatAccount, encrypted: boolean, toOpenid: string, fromAccount: string, content: string, now = Date.now()): string {
  const createTime = Math.floor(now / 1000)
  const xml = buildWeChatXml({ ToUserName: toOpenid, FromUserName: fromAccount, CreateTime: createTime, MsgType: 'text', Content: content })
  if (!encrypted || !account.encoding_aes_key) return xml
  const encrypt = createWeChatCipher(account.encoding_aes_key.reveal()).encrypt(xml, account.app_id)
  const timestamp = String(createTime)
  const nonce = String(randomInt(1e9, 1e10))
  return buildWeChatXml({ Encrypt: encrypt, MsgSignature: sha1Signature(account.token.reveal(), timestamp, nonce, encrypt), TimeStamp: createTime, Nonce: nonce })
}

/** Several answers to one message travel as one: a passive reply holds a single message. */
export function joinReplies (replies: Array<{ text: string }>): string {
  return replies.map((r) => r.text).join('\n\n')
}
