/**
 * Which of the shop's accounts sent this request, and the message in the clear. Plain mode signs
 * token+timestamp+nonce (`signature`); safe and compatible mode also sign the Encrypt field
 * (`msg_signature`) and the plaintext must carry the account's appId. Nothing is stored before
 * this passes.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 */
import { parse as parseLossless } from 'lossless-json'
import { ERR_CHANNEL_BODY, ERR_CHANNEL_DECRYPT, ERR_CHANNEL_SIGNATURE } from '../../errors.js'
import { createWeChatCipher, WeChatCryptoError } from '../wechat-crypto/cipher.js'
import { sha1Signature, signatureMatches } from '../wechat-crypto/signature.js'
import { parseWeChatXml } from '../wechat-crypto/xml.js'
import type { WeChatAccount } from '../settings.js'

export interface SignedQuery {
  signature?: string
  msg_signature?: string
  timestamp?: string
  nonce?: string
}

export interface Verified {
  account: WeChatAccount
  fields: Record<string, unknown>
  encrypted: boolean
  /** the mini-program's JSON format (its answers always go through the send API) */
  json: boolean
}

const WHAT = 'WeChat'

/** The accounts whose token signs timestamp+nonce as `signature` (the GET check and plain mode). */
export function signedBy (accounts: WeChatAccount[], q: SignedQuery): WeChatAccount[] {
  if (!q.signature || !q.timestamp || !q.nonce) return []
  return accounts.filter((a) => signatureMatches(sha1Signature(a.token.reveal(), q.timestamp!, q.nonce!), q.signature))
}

export function verifyPush (accounts: WeChatAccount[], q: SignedQuery, body: string): Verified {
  if (!q.timestamp || !q.nonce || (!q.signature && !q.msg_signature)) throw new ERR_CHANNEL_SIGNATURE(`${WHAT}: signature, timestamp and nonce are required in the query`)
  const json = body.trimStart().startsWith('{')
  const outer = parseBody(body, json)
  if (!outer) throw new ERR_CHANNEL_BODY(WHAT, json ? 'the body is not a JSON object' : 'the body is not well-formed <xml>')

  const candidates = q.signature ? signedBy(accounts, q) : accounts
  if (q.signature && candidates.length === 0) throw new ERR_CHANNEL_SIGNATURE(WHAT)
  const encrypt = typeof outer.Encrypt === 'string' ? outer.Encrypt : undefined
  if (encrypt === undefined) {
    if (!q.signature) throw new ERR_CHANNEL_SIGNATURE(WHAT)
    return { account: candidates[0]!, fields: outer, encrypted: false, json }
  }

  const account = candidates.find((a) => signatureMatches(sha1Signature(a.token.reveal(), q.timestamp!, q.nonce!, encrypt), q.msg_signature))
  if (!account) throw new ERR_CHANNEL_SIGNATURE(WHAT)
  if (!account.encoding_aes_key) throw new ERR_CHANNEL_DECRYPT(WHAT, `safe mode needs encoding_aes_key for ${account.app_id} in the shop settings`)
  let plain: string
  try {
    plain = createWeChatCipher(account.encoding_aes_key.reveal()).decrypt(encrypt, account.app_id)
  } catch (err) {
    if (err instanceof WeChatCryptoError && err.reason === 'wrong_receiver') throw new ERR_CHANNEL_SIGNATURE(`${WHAT}: the message was encrypted for another appId than ${account.app_id}`)
    throw new ERR_CHANNEL_DECRYPT(WHAT, `${(err as Error).message}; check encoding_aes_key`)
  }
  const inner = parseBody(plain, plain.trimStart().startsWith('{'))
  if (!inner) throw new ERR_CHANNEL_BODY(WHAT, 'the decrypted message is neither <xml> nor JSON')
  return { account, fields: inner, encrypted: true, json }
}

function parseBody (text: string, json: boolean): Record<string, unknown> | undefined {
  if (!json) return parseWeChatXml(text)
  try {
    // every number stays the text it was sent as: MsgId overflows a JS number
    const v = parseLossless(text, null, (n: string) => n)
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}
