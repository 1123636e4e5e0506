/** GET /v1/conversations/:id — a conversation's kept history (buyer, bot, agent), with delivery status. */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { shopIdSchema, errorSchema, TEXT_MAX } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_CONVERSATION_NOT_FOUND, ERR_UNKNOWN_SHOP } from '../errors.js'
import { agentAuth } from '../plugins/auth.js'

export const deliverySchema = z.object({
  status: z.enum(['queued', 'sent', 'failed']),
  at: z.number(),
  attempts: z.number().optional(),
  reason: z.string().optional()
}).describe('where delivery to the buyer stands (outgoing messages)')
const delivery = deliverySchema

export const historyEntrySchema = z.object({
  role: z.enum(['buyer', 'bot', 'agent']),
  text: z.string(),
  at: z.number(),
  messageId: z.string().optional(),
  type: z.string().optional(),
  nickname: z.string().optional().describe('buyer lines: the nickname the webhook sent'),
  agentId: z.string().optional(),
  ticketId: z.string().optional().describe('the ticket the line belonged to'),
  delivery: delivery.optional()
})

export const replyTextSchema = z.string().trim().min(1, 'text must not be empty').max(TEXT_MAX, `text is longer than ${TEXT_MAX} characters`)
export const clientMsgIdSchema = z.string().min(1).max(128).describe('the desk\'s own id for this message: a retried send with the same id is one message')

export const agentMessageSchema = z.object({
  id: z.string().describe('the outgoing message id: the receiver\'s messageId'),
  ticketId: z.string(),
  conversationId: z.string(),
  buyerId: z.string(),
  agentId: z.string(),
  text: z.string(),
  at: z.number(),
  channel: z.string(),
  delivery
})

const historySchema = z.object({
  conversationId: z.string(),
  buyerId: z.string().optional(),
  channel: z.string(),
  messages: z.array(historyEntrySchema),
  ticket: z.object({ id: z.string(), status: z.enum(['waiting', 'claimed']), agentId: z.string().optional() }).optional()
})

export interface ConversationsRouteOptions { token?: string; agentTokens?: Record<string, string>; loopbackOnly?: boolean }

const route: FastifyPluginAsyncZod<ConversationsRouteOptions> = async (app, opts) => {
  const auth = agentAuth(opts.token, opts.agentTokens, opts.loopbackOnly)
  app.get('/v1/conversations/:id', {
    ...(auth.onRequest ? { onRequest: auth.onRequest } : {}),
    schema: {
      tags: ['handoff'],
      summary: 'A conversation\'s history: buyer, bot and agent messages with delivery status; kept after resolve for HISTORY_TTL',
      params: z.object({ id: z.string().min(1).max(128) }),
      querystring: z.object({ shopId: shopIdSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
      response: { 200: historySchema, 404: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = req.query.shopId ?? DEFAULT_SHOP
    if (!app.rules.get(shopId)) throw new ERR_UNKNOWN_SHOP(shopId)
    const h = await app.store.getHistory(shopId, req.params.id, req.query.limit)
    if (!h) throw new ERR_CONVERSATION_NOT_FOUND(req.params.id)
    return h
  })
}

export default route
