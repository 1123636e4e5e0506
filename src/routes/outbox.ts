/** GET /v1/outbox/dead-letters — outgoing messages that were given up on, and why (operators). */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { shopIdSchema, errorSchema } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_UNKNOWN_SHOP } from '../errors.js'
import { requireToken } from '../plugins/auth.js'

const deadLetter = z.object({
  message: z.object({
    id: z.string(), shopId: z.string(), conversationId: z.string(), buyerId: z.string(), channel: z.string(),
    role: z.enum(['agent', 'bot']), text: z.string(), sentAt: z.number(), ticketId: z.string().optional(), agentId: z.string().optional()
  }),
  reason: z.string(),
  attempts: z.number(),
  at: z.number()
})

export interface OutboxRouteOptions { token?: string; loopbackOnly?: boolean }

const route: FastifyPluginAsyncZod<OutboxRouteOptions> = async (app, opts) => {
  // dead letters carry buyers' messages: like the operators' routes, kept to this machine without a token
  const auth = requireToken(opts.token, opts.loopbackOnly ? { variable: 'OPERATOR_TOKEN' } : undefined)
  app.get('/v1/outbox/dead-letters', {
    ...(auth ? { onRequest: auth } : {}),
    schema: {
      tags: ['operators'],
      summary: 'Outgoing messages dead-lettered after OUTBOX_MAX_ATTEMPTS (or refused for good), newest first',
      querystring: z.object({ shopId: shopIdSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ deadLetters: z.array(deadLetter) }), 404: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = req.query.shopId ?? DEFAULT_SHOP
    if (!app.rules.get(shopId)) throw new ERR_UNKNOWN_SHOP(shopId)
    return { deadLetters: await app.outbox.deadLetters(shopId, req.query.limit) }
  })
}

export default route
