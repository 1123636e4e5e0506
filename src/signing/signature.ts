/**
 * Webhook signatures, both directions (inbound POST /v1/messages with WEBHOOK_SECRET; outbound
 * webhooks and event webhooks with their secrets): the Stripe scheme.
 *   X-Autoreply-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The timestamp inside the signed text is what makes a captured request useless after the
 * tolerance; the comparison is constant-time.
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-autoreply-signature'
export const DEFAULT_TOLERANCE_S = 300

/** hex HMAC-SHA256 of "<t>.<body>" */
export function signature (secret: string, timestampS: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')
}

/** The header value for a body sent now. */
export function signHeader (secret: string, body: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000)
  return `t=${t},v1=${signature(secret, t, body)}`
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' }

/** Checks a header against the raw body; any v1 entry may match (several during a secret rotation). */
export function verifySignature (secret: string, header: string | undefined, body: string, nowMs = Date.now(), toleranceS = DEFAULT_TOLERANCE_S): VerifyResult {
  if (!header) return { ok: false, reason: 'missing' }
  let t: number | undefined
  const sigs: string[] = []
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2)
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v)
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) sigs.push(v.toLowerCase())
  }
  if (t === undefined || sigs.length === 0) return { ok: false, reason: 'malformed' }
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return { ok: false, reason: 'stale' }
  const expected = Buffer.from(signature(secret, t, body), 'hex')
  // every candidate is compared, so the time taken does not tell which one matched
  let match = false
  for (const s of sigs) if (timingSafeEqual(expected, Buffer.from(s, 'hex'))) match = true
  return match ? { ok: true } : { ok: false, reason: 'mismatch' }
}
