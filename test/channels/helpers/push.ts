/** Builds the requests WeChat's servers send: signed query strings, plain or encrypted bodies. */
import { createWeChatCipher } from '../../../src/channels/wechat-crypto/cipher.js'
import { sha1Signature } from '../../../src/channels/wechat-crypto/signature.js'
import { buildWeChatXml } from '../../../src/channels/wechat-crypto/xml.js'

export interface PushAccount { token: string; appId: string; aesKey?: string }

let n = 0
export function nonceAndTime (): { timestamp: string; nonce: string } {
  return { timestamp: String(Math.floor(Date.now() / 1000)), nonce: String(1_000_000 + ++n) }
}

/** The query and body of a push in plain mode, or safe mode when `encrypt` is set (JSON for the mini-program). */
export function signedPush (acct: PushAccount, fields: Record<string, string | number | bigint>, mode: { encrypt?: boolean; json?: boolean } = {}): { url: (path: string) => string; body: string; contentType: string } {
  const { timestamp, nonce } = nonceAndTime()
  const signature = sha1Signature(acct.token, timestamp, nonce)
  const inner = mode.json ? JSON.stringify(fields, (_k, v) => typeof v === 'bigint' ? `@@${v}@@` : v).replace(/"@@(\d+)@@"/g, '$1') : buildWeChatXml(fields)
  const q = new URLSearchParams({ signature, timestamp, nonce, openid: String(fields.FromUserName ?? '') })
  let body = inner
  if (mode.encrypt) {
    const encrypt = createWeChatCipher(acct.aesKey!).encrypt(inner, acct.appId)
    q.set('encrypt_type', 'aes')
    q.set('msg_signature', sha1Signature(acct.token, timestamp, nonce, encrypt))
    body = mode.json ? JSON.stringify({ ToUserName: fields.ToUserName, Encrypt: encrypt }) : buildWeChatXml({ ToUserName: String(fields.ToUserName), Encrypt: encrypt })
  }
  return { url: (path) => `${path}?${q}`, body, contentType: mode.json ? 'application/json' : 'text/xml' }
}

let msgId = 6054768590064713728n
export function textMessage (openid: string, content: string, extra: Record<string, string | number | bigint> = {}): Record<string, string | number | bigint> {
  msgId += 1n
  // MsgId bare in the XML as WeChat sends it; 64 bits, more than a JS number holds
  return { ToUserName: 'gh_10f6c3c3ac5a', FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: msgId, ...extra }
}

export function eventMessage (openid: string, event: string, createTime = Math.floor(Date.now() / 1000)): Record<string, string | number | bigint> {
  return { ToUserName: 'gh_10f6c3c3ac5a', FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event }
}
