/** Agents' API: claim the next chat (urgent first), keep it with heartbeats, resolve or release it. */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { shopIdSchema, errorSchema } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { handoffReasonSchema, prioritySchema } from '../engine/types.js'
import { ERR_UNKNOWN_SHOP, ERR_TICKET_NOT_FOUND } from '../errors.js'
import { agentAuth } from '../plugins/auth.js'
import { previousChat, sendAgentReply } from '../service/agent-reply.js'
import { agentMessageSchema, clientMsgIdSchema, deliverySchema, historyEntrySchema, replyTextSchema } from './conversations.js'

const MAX_WAIT_MS = 30_000

const agentBody = z.object({
  // names starting with "_" are the store's own consumers in the stream group (_queue holds returned chats)
  agentId: z.string().min(1).max(128).regex(/^[^_]/, 'must not start with "_" (reserved)').describe('Who holds the claim; heartbeat/resolve/release must name the same agent'),
  shopId: shopIdSchema.optional()
})

export const chatEntry = z.object({
  role: z.enum(['buyer', 'bot', 'agent']),
  text: z.string(),
  at: z.number(),
  messageId: z.string().optional(),
  type: z.string().optional(),
  agentId: z.string().optional(),
  delivery: deliverySchema.optional(),
  nickname: z.string().optional()
})

export const ticketSchema = z.object({
  id: z.string(),
  shopId: z.string(),
  conversationId: z.string(),
  buyerId: z.string(),
  priority: prioritySchema,
  reason: handoffReasonSchema,
  status: z.enum(['waiting', 'claimed']),
  createdAt: z.number(),
  claimedAt: z.number().optional(),
  agentId: z.string().optional(),
  chat: z.array(chatEntry),
  previous: z.array(historyEntrySchema).optional().describe('on claim: the conversation before this ticket (earlier tickets, the bot\'s chat), newest 50')
})

const statsSchema = z.object({
  waiting: z.number(),
  urgent: z.number(),
  oldestWaitMs: z.number(),
  claimed: z.number(),
  agentsOnline: z.number(),
  claimedWithin3mShare: z.number().nullable(),
  repliedWithin3mShare: z.number().nullable().describe('share of the last 24 h\'s tickets whose first agent reply came within 3 minutes: the platforms\' reply-rate figure'),
  repliedLast24h: z.number(),
  ticketsLast24h: z.number(),
  outbox: z.object({ depth: z.number(), oldestAgeMs: z.number(), sent: z.number(), failed: z.number() })
})

export interface HandoffRouteOptions { token?: string; agentTokens?: Record<string, string>; loopbackOnly?: boolean }

const route: FastifyPluginAsyncZod<HandoffRouteOptions> = async (app, opts) => {
  const auth = agentAuth(opts.token, opts.agentTokens, opts.loopbackOnly)
  // on shutdown every pending long poll ends with 204 at once (instead of holding the close for the
  // grace period) and claims nothing queued after the signal; preClose runs before in-flight
  // requests are awaited
  const shutdown = new AbortController()
  app.addHook('preClose', async () => { shutdown.abort() })
  const common = { ...(auth.onRequest ? { onRequest: auth.onRequest } : {}) }
  // an agent's own token acts only as that agent, on every route that names one
  app.addHook('preHandler', async (req) => {
    const agentId = (req.body as { agentId?: unknown } | undefined)?.agentId
    if (typeof agentId === 'string') auth.check(req, agentId)
  })
  const deps = () => ({ store: app.store, outbox: app.outbox, events: app.events, wake: () => app.sender?.wake() })
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
    app.events.emit({ type: 'ticket.claimed', shopId, ticketId: ticket.id, conversationId: ticket.conversationId, agentId: req.body.agentId, priority: ticket.priority, reason: ticket.reason, at: Date.now() })
    return { ...ticket, previous: await previousChat(app.store, ticket) }
  })

  app.post('/v1/handoff/tickets/:id/replies', {
    ...common,
    schema: {
      tags: ['handoff'],
      summary: 'Answer the buyer: recorded in the chat, delivered through the conversation\'s channel; claims a waiting ticket; counts as a heartbeat',
      params: z.object({ id: z.string().min(1).max(128) }),
      body: agentBody.extend({ text: replyTextSchema, clientMsgId: clientMsgIdSchema }),
      response: { 200: z.object({ ok: z.literal(true), duplicate: z.boolean(), claimed: z.boolean(), message: agentMessageSchema }), 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = shopOf(req.body.shopId)
    const r = await sendAgentReply(deps(), { shopId, ticketId: req.params.id, agentId: req.body.agentId, text: req.body.text, clientMsgId: req.body.clientMsgId })
    return { ok: true as const, ...r }
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
        body: action === 'resolve'
          ? agentBody.extend({
            text: replyTextSchema.optional().describe('a closing message to the buyer, sent before the ticket closes'),
            clientMsgId: clientMsgIdSchema.optional().describe('for the closing message; default "resolve"')
          })
          : agentBody,
        response: {
          200: z.object({ ok: z.literal(true), ticket: ticketSchema.optional(), message: agentMessageSchema.optional() }),
          403: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema
        }
      }
    }, async (req) => {
      const shopId = shopOf(req.body.shopId)
      const { agentId } = req.body
      const id = req.params.id
      if (action === 'heartbeat') return { ok: true as const, ticket: await app.store.heartbeat(shopId, id, agentId) }
      const closing = (req.body as { text?: string; clientMsgId?: string })
      let message
      if (action === 'resolve' && closing.text) {
        const t = await app.store.getTicket(shopId, id)
        // a resolve retried after it succeeded finds the ticket gone; its closing message went out the first time
        if (!t) throw new ERR_TICKET_NOT_FOUND(id)
        message = (await sendAgentReply(deps(), { shopId, ticketId: id, agentId, text: closing.text, clientMsgId: closing.clientMsgId ?? 'resolve' })).message
      }
      const t = await app.store.getTicket(shopId, id)
      await app.store[action](shopId, id, agentId)
      app.events.emit(action === 'resolve'
        ? { type: 'ticket.resolved', shopId, ticketId: id, agentId, ...(t ? { conversationId: t.conversationId } : {}), at: Date.now() }
        : { type: 'ticket.requeued', shopId, ticketId: id, agentId, why: 'released', ...(t ? { conversationId: t.conversationId, priority: t.priority } : {}), at: Date.now() })
      return { ok: true as const, ...(message ? { message } : {}) }
    })
  }

  app.post('/v1/handoff/tickets/:id/claim', {
    ...common,
    schema: {
      tags: ['handoff'],
      summary: 'Claim this waiting chat (picked from the queue), out of order; its holder gets it again',
      params: ticketParams,
      body: agentBody,
      response: { 200: ticketSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = shopOf(req.body.shopId)
    const ticket = await app.store.pick(shopId, req.params.id, req.body.agentId)
    app.events.emit({ type: 'ticket.claimed', shopId, ticketId: ticket.id, conversationId: ticket.conversationId, agentId: req.body.agentId, priority: ticket.priority, reason: ticket.reason, at: Date.now() })
    return ticket
  })

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
    schema: { tags: ['handoff'], summary: 'Queue health, the 3-minute claim and first-reply rates, the outbox', querystring: z.object({ shopId: shopIdSchema.optional() }), response: { 200: statsSchema, 503: errorSchema } }
  }, async (req) => {
    const shopId = shopOf(req.query.shopId)
    const [queue, replies, outbox] = await Promise.all([app.store.stats(shopId), app.store.replyStats(shopId), app.outbox.stats(shopId)])
    return { ...queue, ...replies, outbox }
  })
}

export default route
