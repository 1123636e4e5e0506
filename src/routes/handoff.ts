/** Agents' API: claim the next chat (urgent first), keep it with heartbeats, resolve or release it. */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { shopIdSchema, errorSchema } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_UNKNOWN_SHOP, ERR_TICKET_NOT_FOUND } from '../errors.js'
import { requireToken } from '../plugins/auth.js'

const MAX_WAIT_MS = 30_000

const agentBody = z.object({
  // names starting with "_" are the store's own consumers in the stream group (_queue holds returned chats)
  agentId: z.string().min(1).max(128).regex(/^[^_]/, 'must not start with "_" (reserved)').describe('Who holds the claim; heartbeat/resolve/release must name the same agent'),
  shopId: shopIdSchema.optional()
})

const chatEntry = z.object({
  role: z.enum(['buyer', 'bot']),
  text: z.string(),
  at: z.number(),
  messageId: z.string().optional(),
  type: z.string().optional()
})

export const ticketSchema = z.object({
  id: z.string(),
  shopId: z.string(),
  conversationId: z.string(),
  buyerId: z.string(),
  priority: z.enum(['urgent', 'normal']),
  reason: z.enum(['unmatched', 'human_request', 'complaint', 'closed_hours']),
  status: z.enum(['waiting', 'claimed']),
  createdAt: z.number(),
  claimedAt: z.number().optional(),
  agentId: z.string().optional(),
  chat: z.array(chatEntry)
})

const statsSchema = z.object({
  waiting: z.number(),
  urgent: z.number(),
  oldestWaitMs: z.number(),
  claimed: z.number(),
  agentsOnline: z.number(),
  claimedWithin3mShare: z.number().nullable(),
  ticketsLast24h: z.number()
})

export interface HandoffRouteOptions { token?: string }

const route: FastifyPluginAsyncZod<HandoffRouteOptions> = async (app, opts) => {
  const auth = requireToken(opts.token)
  // on shutdown every pending long poll ends with 204 at once (instead of holding the close for the
  // grace period) and claims nothing queued after the signal; preClose runs before in-flight
  // requests are awaited
  const shutdown = new AbortController()
  app.addHook('preClose', async () => { shutdown.abort() })
  const common = { ...(auth ? { onRequest: auth } : {}) }
  const shopOf = (shopId?: string): string => {
    const id = shopId ?? DEFAULT_SHOP
    if (!app.rules.get(id)) throw new ERR_UNKNOWN_SHOP(id)
    return id
  }

  app.post('/v1/handoff/claim', {
    ...common,
    schema: {
      tags: ['handoff'],
      summary: 'Claim the oldest waiting chat, urgent first; waits up to waitMs for one',
      body: agentBody.extend({ waitMs: z.number().int().min(0).max(MAX_WAIT_MS).default(0).describe(`long-poll up to ${MAX_WAIT_MS} ms`) }),
      response: { 200: ticketSchema, 204: z.null().describe('nothing waiting'), 400: errorSchema, 503: errorSchema }
    }
  }, async (req, reply) => {
    const shopId = shopOf(req.body.shopId)
    // a desk that hangs up during a long poll (tab closed, a client timeout shorter than waitMs) must
    // not be handed the next chat: nobody would answer it until the claim timeout
    let hungUp = false
    const onClose = () => { if (!reply.raw.writableEnded) hungUp = true }
    reply.raw.once('close', onClose)
    app.metrics.claimsWaiting.inc()
    const ticket = await app.store.claim(shopId, req.body.agentId, req.body.waitMs, undefined, shutdown.signal).finally(() => {
      reply.raw.off('close', onClose)
      app.metrics.claimsWaiting.dec()
    })
    if (ticket && hungUp) {
      await app.store.release(shopId, ticket.id, req.body.agentId)
        .catch((err: Error) => req.log.warn({ ticketId: ticket.id, err: err.message }, 'could not release the claim of a desk that hung up; it returns after the claim timeout'))
      return reply.code(204).send(null)
    }
    if (!ticket) return reply.code(204).send(null)
    return ticket
  })

  const ticketParams = z.object({ id: z.string().min(1).max(128) })
  for (const action of ['heartbeat', 'resolve', 'release'] as const) {
    app.post(`/v1/handoff/tickets/:id/${action}`, {
      ...common,
      schema: {
        tags: ['handoff'],
        summary: {
          heartbeat: 'Keep the claim alive (send more often than CLAIM_TIMEOUT)',
          resolve: 'Close the ticket: the conversation goes back to the bot',
          release: 'Put the ticket back in the queue for another agent'
        }[action],
        params: ticketParams,
        body: agentBody,
        response: { 200: z.object({ ok: z.literal(true), ticket: ticketSchema.optional() }), 404: errorSchema, 409: errorSchema, 503: errorSchema }
      }
    }, async (req) => {
      const shopId = shopOf(req.body.shopId)
      if (action === 'heartbeat') return { ok: true as const, ticket: await app.store.heartbeat(shopId, req.params.id, req.body.agentId) }
      await app.store[action](shopId, req.params.id, req.body.agentId)
      return { ok: true as const }
    })
  }

  app.get('/v1/handoff/tickets/:id', {
    ...common,
    schema: { tags: ['handoff'], summary: 'One open ticket with its chat', params: ticketParams, querystring: z.object({ shopId: shopIdSchema.optional() }), response: { 200: ticketSchema, 404: errorSchema } }
  }, async (req) => {
    const ticket = await app.store.getTicket(shopOf(req.query.shopId), req.params.id)
    if (!ticket) {
      throw new ERR_TICKET_NOT_FOUND(req.params.id)
    }
    return ticket
  })

  app.get('/v1/handoff/stats', {
    ...common,
    schema: { tags: ['handoff'], summary: 'Queue health and the 3-minute claim rate', querystring: z.object({ shopId: shopIdSchema.optional() }), response: { 200: statsSchema, 503: errorSchema } }
  }, async (req) => app.store.stats(shopOf(req.query.shopId)))
}

export default route
