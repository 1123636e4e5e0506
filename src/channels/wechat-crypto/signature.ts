/**
 * WeChat's callback signatures: sha1 over the sorted, concatenated strings. The plain one signs
 * token, timestamp and nonce; the safe-mode `msg_signature` adds the Encrypt field (the Official
 * Account, the mini-program and WeCom all use the same construction).
 *
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 * @see https://developer.work.weixin.qq.com/document/path/90968
 */
import { createHash, timingSafeEqual } from 'node:crypto'

export function sha1Signature (...parts: string[]): string {
  // plain code-unit order, like Python's sorted() in the official samples (not localeCompare)
  return createHash('sha1').update([...parts].sort().join('')).digest('hex')
}

/** Constant-time comparison, so a forger cannot learn the signature byte by byte from timings. */
export function signatureMatches (expected: string, given: string | undefined): boolean {
  if (given === undefined) return false
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(given.toLowerCase(), 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
