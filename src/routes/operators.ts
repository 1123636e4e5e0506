/** Operators: try a message and see why, the rule files' status, and the unanswered questions. */
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { shopIdSchema, errorSchema, TEXT_MAX } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_UNKNOWN_SHOP } from '../errors.js'
import { requireToken } from '../plugins/auth.js'
import { explain } from '../engine/explain.js'
import { mergeNearDuplicates } from '../analytics/near-duplicates.js'

export interface OperatorRouteOptions { token?: string; loopbackOnly?: boolean }

const route: FastifyPluginAsyncZod<OperatorRouteOptions> = async (app, opts) => {
  const auth = requireToken(opts.token, opts.loopbackOnly ? { variable: 'OPERATOR_TOKEN' } : undefined)
  const common = { ...(auth ? { onRequest: auth } : {}) }
  const engineOf = (shopId?: string) => {
    const id = shopId ?? DEFAULT_SHOP
    const engine = app.rules.get(id)
    if (!engine) throw new ERR_UNKNOWN_SHOP(id)
    return engine
  }

  app.post('/v1/rules/test', {
    ...common,
    schema: {
      tags: ['operators'],
      summary: 'What the bot would answer to a message, and why (nothing is stored)',
      body: z.object({
        text: z.string().min(1, 'text must not be empty').max(TEXT_MAX),
        shopId: shopIdSchema.optional(),
        returning: z.boolean().default(false).describe('pretend the buyer was seen before (not first contact)')
      }),
      response: { 200: z.any().describe('{text, normalised, decision, clauses: [{text, act, marker?, otherTopic?, aside?}], considered: [{ruleId, intent, file, line, verdict, why}]}'), 400: errorSchema, 401: errorSchema, 404: errorSchema }
    }
  }, async (req) => {
    const now = Date.now()
    const state = req.body.returning ? { lastSeenAt: now - 60_000 } : {}
    return explain(engineOf(req.body.shopId), req.body.text, state, now)
  })

  app.get('/v1/rules/status', {
    ...common,
    schema: { tags: ['operators'], summary: 'Loaded rule files per shop and the last reload error' }
  }, async () => app.rules.status())

  app.get('/v1/analytics/unmatched', {
    ...common,
    schema: {
      tags: ['operators'],
      summary: 'The questions the bot could not answer, most frequent first',
      querystring: z.object({
        shopId: shopIdSchema.optional(),
        days: z.coerce.number().int().min(1).max(35).default(7),
        limit: z.coerce.number().int().min(1).max(500).default(50)
      }),
      response: { 200: z.any().describe('{shopId, days, questions: [{text, count, examples, variants}]}'), 400: errorSchema, 404: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const engine = engineOf(req.query.shopId)
    // fetch more than asked: near-duplicates fold several rows into one
    // days are the shop's calendar days (hours.timezone, Beijing time by default)
    const rows = await app.store.topUnmatched(engine.shopId, req.query.days, req.query.limit * 4, Date.now(), engine.timeZone)
    return { shopId: engine.shopId, days: req.query.days, questions: mergeNearDuplicates(rows, req.query.limit) }
  })
}

export default route
