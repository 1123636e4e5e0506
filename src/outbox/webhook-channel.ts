/**
 * The generic channel: a signed POST to the integrator's URL (per shop in the rule files'
 * `outbound_webhook`, or OUTBOUND_WEBHOOK_URL / OUTBOUND_WEBHOOK_SECRET for every shop).
 * A 2xx is delivered; anything else, or no answer, is tried again by the sender.
 */
import { signHeader, SIGNATURE_HEADER } from '../signing/signature.js'
import type { OutboundChannel, OutboundMessage } from './types.js'

export interface WebhookTarget { url: string; secret?: string }

/** What the receiver gets: the README documents it field by field. */
export function webhookPayload (m: OutboundMessage) {
  return {
    messageId: m.id,
    conversationId: m.conversationId,
    buyerId: m.buyerId,
    shopId: m.shopId,
    text: m.text,
    role: m.role,
    sentAt: new Date(m.sentAt).toISOString(),
    ...(m.ticketId ? { ticketId: m.ticketId } : {}),
    ...(m.agentId ? { agentId: m.agentId } : {})
  }
}

/** POSTs a JSON body, signed when there is a secret; the result as a channel reports it. */
export async function postSigned (target: WebhookTarget, body: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  const res = await fetch(target.url, {
    method: 'POST',
    body,
    signal,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'shop-autoreply',
      ...headers,
      ...(target.secret ? { [SIGNATURE_HEADER]: signHeader(target.secret, body) } : {})
    }
  })
  // drain, so the connection can be reused
  await res.arrayBuffer().catch(() => undefined)
  return res.status
}

export function webhookChannel (targetFor: (shopId: string) => WebhookTarget | undefined): OutboundChannel {
  return {
    async send (m, ctx) {
      const target = targetFor(m.shopId)
      if (!target) return { ok: false, retry: true, reason: `no outbound webhook is configured for shop "${m.shopId}" (OUTBOUND_WEBHOOK_URL or outbound_webhook in the rule files)` }
      let status: number
      try {
        status = await postSigned(target, JSON.stringify(webhookPayload(m)), ctx.signal, { 'x-autoreply-attempt': String(ctx.attempt) })
      } catch (err) {
        if (ctx.signal.aborted) throw err
        // fetch says only "fetch failed"; the cause names what went wrong (ECONNREFUSED, ENOTFOUND, ...)
        const cause = (err as { cause?: { code?: string; message?: string } }).cause
        return { ok: false, retry: true, reason: `cannot reach ${new URL(target.url).host}: ${cause?.code ?? cause?.message ?? (err as Error).message}` }
      }
      if (status >= 200 && status < 300) return { ok: true }
      return { ok: false, retry: true, reason: `the webhook answered HTTP ${status}` }
    }
  }
}
