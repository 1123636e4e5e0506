/**
 * WeChat's message encryption ("safe mode"), shared by the Official Account, the mini-program and
 * WeCom: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, plaintext
 * = 16 random bytes + 4-byte big-endian length + message + receive id (the appId, or the CorpID for
 * WeCom), padded with PKCS#7 to 32-byte blocks. Node's automatic padding works on 16-byte blocks and
 * rejects WeChat's 17..32-byte pads, so padding is done by hand with setAutoPadding(false).
 *
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 * @see https://developer.work.weixin.qq.com/document/path/90968
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const BLOCK = 32

export class WeChatCryptoError extends Error {
  constructor (message: string, readonly reason: 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'wrong_receiver') {
    super(message)
  }
}

export interface WeChatCipher {
  /** base64 ciphertext of `message` for `receiveId`; `random` (16 bytes) only for reproducible tests */
  encrypt (message: string, receiveId: string, random?: Buffer): string
  /** the message, after checking it was encrypted for `receiveId` */
  decrypt (encrypted: string, receiveId: string): string
  /** the message and the receive id it carries, unchecked (tests, diagnostics) */
  open (encrypted: string): { message: string; receiveId: string }
}

/** A 43-character EncodingAESKey as the console shows it; throws WeChatCryptoError('bad_key') otherwise. */
export function createWeChatCipher (encodingAESKey: string): WeChatCipher {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) throw new WeChatCryptoError('EncodingAESKey must be 43 characters of [A-Za-z0-9+/]', 'bad_key')
  const key = Buffer.from(encodingAESKey + '=', 'base64')
  if (key.length !== 32) throw new WeChatCryptoError('EncodingAESKey does not decode to 32 bytes', 'bad_key')
  const iv = key.subarray(0, 16)

  const open = (encrypted: string): { message: string; receiveId: string } => {
    const data = Buffer.from(encrypted, 'base64')
    if (data.length === 0 || data.length % 16 !== 0) throw new WeChatCryptoError('ciphertext is not a whole number of AES blocks', 'bad_ciphertext')
    const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
    const plain = Buffer.concat([decipher.update(data), decipher.final()])
    const pad = plain[plain.length - 1]!
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WeChatCryptoError('bad PKCS#7 padding', 'bad_padding')
    const body = plain.subarray(16, plain.length - pad)
    if (body.length < 4) throw new WeChatCryptoError('plaintext too short', 'bad_length')
    const len = body.readUInt32BE(0)
    if (len > body.length - 4) throw new WeChatCryptoError('message length exceeds the plaintext', 'bad_length')
    return { message: body.subarray(4, 4 + len).toString('utf8'), receiveId: body.subarray(4 + len).toString('utf8') }
  }

  return {
    encrypt (message, receiveId, random = randomBytes(16)) {
      const msg = Buffer.from(message, 'utf8')
      const len = Buffer.alloc(4)
      len.writeUInt32BE(msg.length, 0)
      const raw = Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')])
      const pad = BLOCK - (raw.length % BLOCK)
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
      return Buffer.concat([cipher.update(Buffer.concat([raw, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
    },
    decrypt (encrypted, receiveId) {
      const out = open(encrypted)
      // a message sealed with our key but for another account must not be answered as ours
      if (out.receiveId !== receiveId) throw new WeChatCryptoError('the message was encrypted for another app id / CorpID', 'wrong_receiver')
      return out.message
    },
    open
  }
}
