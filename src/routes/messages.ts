/** POST /v1/messages — the shop platform's webhook: every buyer message, the reply in the response. */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { messageBodySchema, messageResponseSchema, errorSchema } from './schemas.js'
import { handleMessage, type BuyerMessage } from '../service/handle-message.js'
import { recordOutcome } from '../service/record-outcome.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_BAD_SIGNATURE, ERR_UNKNOWN_SHOP } from '../errors.js'
import { requireToken } from '../plugins/auth.js'
import { SIGNATURE_HEADER, verifySignature } from '../signing/signature.js'
import { compiledSerializer } from './compiled-serializer.js'

export interface MessagesRouteOptions { token?: string; secret?: string }

const REFUSALS = {
  missing: 'missing (WEBHOOK_SECRET is set: sign the raw body as t=<unix>,v1=<hex HMAC-SHA256 of "t.body">)',
  malformed: 'malformed (expected t=<unix seconds>,v1=<64 hex digits>)',
  stale: 'timestamp is more than 300 s away from the server\'s clock',
  mismatch: 'does not match the body'
} as const

const route: FastifyPluginAsyncZod<MessagesRouteOptions> = async (app, opts) => {
  const auth = requireToken(opts.token)
  if (opts.secret) {
    const secret = opts.secret
    // the signature covers the raw bytes, so they are checked before parsing, and an unsigned
    // request is refused before anything reads (let alone stores) its content
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeContentTypeParser('application/json')
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const header = req.headers[SIGNATURE_HEADER]
      const v = verifySignature(secret, Array.isArray(header) ? header[0] : header, body as string)
      if (!v.ok) return done(new ERR_BAD_SIGNATURE(REFUSALS[v.reason]), undefined)
      parseJson(req, body as string, done)
    })
  }
  app.post('/v1/messages', {
    ...(auth ? { onRequest: auth } : {}),
    serializerCompiler: compiledSerializer,
    schema: {
      tags: ['webhook'],
      summary: 'Answer one buyer message',
      ...(opts.secret ? { headers: z.object({ [SIGNATURE_HEADER]: z.string().describe('t=<unix seconds>,v1=<hex HMAC-SHA256(WEBHOOK_SECRET, "<t>.<raw body>")>; within ±300 s') }) } : {}),
      body: messageBodySchema,
      response: { 200: messageResponseSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = req.body.shopId ?? DEFAULT_SHOP
    const engine = app.rules.get(shopId)
    if (!engine) throw new ERR_UNKNOWN_SHOP(shopId)
    const end = app.metrics.decisionSeconds.startTimer()
    const outcome = await handleMessage(engine, buyerMessage(req.body, shopId), { store: app.store, log: req.log, events: app.events })
    recordOutcome(app.metrics, shopId, outcome)
    const res = outcome.response
    // a redelivery is the same message again, not more traffic
    if (!outcome.duplicate) app.traffic.record(shopId, engine.timeZone, Date.now(), res.action, res.matched.map((m) => m.intent))
    end()
    req.log.info({ action: res.action, intents: res.matched.map((m) => m.intent), handoff: res.handoff?.reason }, 'answered')
    return res
  })
}

/**
 * The validated body as a message, written out field by field: a spread of the validator's output
 * made an object that handleMessage and the store then read ~10 µs slower per message (measured in
 * a loop, bench figures in docs/benchmarks.md), and it names what goes on, not whatever came in.
 */
function buyerMessage (b: z.output<typeof messageBodySchema>, shopId: string): BuyerMessage {
  return { messageId: b.messageId, conversationId: b.conversationId, buyerId: b.buyerId, shopId, type: b.type, text: b.text, sentAt: b.sentAt, buyer: b.buyer }
}

export default route
