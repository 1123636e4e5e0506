/**
 * The published vectors, each with its source, so the construction is checked against WeChat's own
 * servers' output and not only against itself.
 */
import { describe, expect, it } from 'vitest'
import { createDecipheriv } from 'node:crypto'
import { createWeChatCipher, WeChatCryptoError } from '../../src/channels/wechat-crypto/cipher.js'
import { sha1Signature, signatureMatches } from '../../src/channels/wechat-crypto/signature.js'
import { buildWeChatXml, parseWeChatXml, text } from '../../src/channels/wechat-crypto/xml.js'

describe('plain signatures', () => {
  it('wechatpy tests/test_utils.py test_check_signature_should_ok', () => {
    expect(sha1Signature('test', '1410685589', 'test')).toBe('f21891de399b4e33a1a93c9a7b8a8fffb5a443ff')
  })
  it('WeChat docs, mini-program 消息推送 server configuration example', () => {
    expect(sha1Signature('AAAAA', '1714037059', '486452656')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78')
  })
  it('compares in constant time and case-insensitively, and refuses a missing or altered one', () => {
    const s = sha1Signature('test', '1410685589', 'test')
    expect(signatureMatches(s, s.toUpperCase())).toBe(true)
    expect(signatureMatches(s, undefined)).toBe(false)
    expect(signatureMatches(s, s.slice(0, -1) + 'e')).toBe(false)
    expect(signatureMatches(s, s + '0')).toBe(false)
  })
})

// Official Account sample: the WXBizMsgCrypt sample code from 微信公众平台 "消息加解密说明"
// (Python sample Sample.py; the same values are in every port of it).
const OA = {
  token: 'spamtest',
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt: 'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE='
}

describe('Official Account sample (safe mode)', () => {
  it('msg_signature signs token, timestamp, nonce and Encrypt', () => {
    expect(sha1Signature(OA.token, OA.timestamp, OA.nonce, OA.encrypt)).toBe(OA.msgSignature)
  })
  it('decrypts to Content abcdteT and MsgId 6054768590064713728 as a string, for the sample appId', () => {
    const xml = createWeChatCipher(OA.key).decrypt(OA.encrypt, OA.appId)
    const fields = parseWeChatXml(xml)!
    expect(text(fields, 'Content')).toBe('abcdteT')
    expect(text(fields, 'MsgId')).toBe('6054768590064713728')
    expect(text(fields, 'FromUserName')).toBe('oyORnuP8q7ou2gfYjqLzSIWZf0rs')
  })
  it('rebuilds the Encrypt field byte for byte from its plaintext and 16-byte random prefix', () => {
    const cipher = createWeChatCipher(OA.key)
    const { message, receiveId } = cipher.open(OA.encrypt)
    expect(receiveId).toBe(OA.appId)
    // the random prefix is the first 16 plaintext bytes: recover it by decrypting the first block alone
    const random = firstPlainBlock(OA.key, OA.encrypt)
    expect(cipher.encrypt(message, OA.appId, random)).toBe(OA.encrypt)
  })
  it('refuses the sample for another appId', () => {
    expect(() => createWeChatCipher(OA.key).decrypt(OA.encrypt, 'wx0000000000000000')).toThrow(WeChatCryptoError)
  })
})

// WeCom sample: 企业微信 "加解密方案说明" sample (WXBizMsgCrypt Sample.py, 使用示例二: 对用户回复的消息解密).
const WECOM = {
  token: 'QDG6eK',
  corpId: 'wx5823bf96d3bd56c7',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  timestamp: '1409659813',
  nonce: '1372623149',
  signature: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=='
}

describe('WeCom sample (receive id = CorpID)', () => {
  it('verifies the signature and decrypts to Content hello for the CorpID', () => {
    expect(sha1Signature(WECOM.token, WECOM.timestamp, WECOM.nonce, WECOM.encrypt)).toBe(WECOM.signature)
    const fields = parseWeChatXml(createWeChatCipher(WECOM.key).decrypt(WECOM.encrypt, WECOM.corpId))!
    expect(text(fields, 'Content')).toBe('hello')
    expect(text(fields, 'MsgId')).toBe('4561255354251345929')
  })
})

// wechatpy tests/test_crypto.py (WeCom crypto, wechatpy.work.crypto)
const WPY = { token: '123456', key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', corpId: 'wx49f0ab532d5d035a' }

describe('wechatpy crypto tests', () => {
  it('test_check_signature_should_ok: the echostr decrypts to 5927782489442352469', () => {
    const echo = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=='
    expect(sha1Signature(WPY.token, '1411443780', '437374425', echo)).toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96')
    expect(sha1Signature(WPY.token, '1411443780', '437374424', echo)).not.toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96')
    expect(createWeChatCipher(WPY.key).decrypt(echo, WPY.corpId)).toBe('5927782489442352469')
  })
  it('test_encrypt_message: random 1234567890123456 gives the expected Encrypt and msg_signature', () => {
    const reply = '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>'
    const encrypt = createWeChatCipher(WPY.key).encrypt(reply, WPY.corpId, Buffer.from('1234567890123456'))
    expect(encrypt).toBe('9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3')
    expect(sha1Signature(WPY.token, '1411525903', '461056294', encrypt)).toBe('407518b7649e86ef23978113f92d27afa9296533')
  })
  it('test_decrypt_message: Content test from messense', () => {
    const encrypt = 'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0='
    expect(sha1Signature(WPY.token, '1411525903', '461056294', encrypt)).toBe('74d92dfeb87ba7c714f89d98870ae5eb62dff26d')
    const fields = parseWeChatXml(createWeChatCipher(WPY.key).decrypt(encrypt, WPY.corpId))!
    expect(text(fields, 'Content')).toBe('test')
    expect(text(fields, 'FromUserName')).toBe('messense')
  })
})

describe('cipher edge cases', () => {
  const cipher = createWeChatCipher(OA.key)
  it('round-trips every padding length 1..32, Chinese and emoji included', () => {
    for (let n = 0; n < 40; n++) {
      const m = '码'.repeat(n) + '😊'
      expect(cipher.decrypt(cipher.encrypt(m, OA.appId), OA.appId)).toBe(m)
    }
  })
  it('rejects a malformed key, a truncated ciphertext and garbage with coded reasons', () => {
    expect(() => createWeChatCipher('short')).toThrow(/43 characters/)
    expect(reason(() => cipher.decrypt(OA.encrypt.slice(0, 20), OA.appId))).toBe('bad_ciphertext')
    expect(reason(() => cipher.decrypt(createWeChatCipher(WPY.key).encrypt('x', OA.appId), OA.appId))).toMatch(/bad_padding|bad_length|wrong_receiver/)
  })
})

describe('xml', () => {
  it('keeps 00123 as text and MsgId as a string; builds CDATA that survives ]]>', () => {
    const f = parseWeChatXml('<xml><Content><![CDATA[00123]]></Content><MsgId>23237409409548740123</MsgId></xml>')!
    expect(f.Content).toBe('00123')
    expect(f.MsgId).toBe('23237409409548740123')
    const built = buildWeChatXml({ Content: 'a]]>b', CreateTime: 5 })
    expect(text(parseWeChatXml(built), 'Content')).toBe('a]]>b')
    expect(built).toContain('<CreateTime>5</CreateTime>')
  })
  it('returns undefined for broken XML or another root', () => {
    expect(parseWeChatXml('<xml><a></xml>')).toBeUndefined()
    expect(parseWeChatXml('<other><a>1</a></other>')).toBeUndefined()
    expect(parseWeChatXml('not xml')).toBeUndefined()
  })
})

function reason (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return (err as WeChatCryptoError).reason }
  return undefined
}

/** AES-CBC: the first plaintext block is D(C1) xor IV. */
function firstPlainBlock (encodingAESKey: string, encrypt: string): Buffer {
  const key = Buffer.from(encodingAESKey + '=', 'base64')
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([d.update(Buffer.from(encrypt, 'base64').subarray(0, 16)), d.final()])
}
