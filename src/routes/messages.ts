/** POST /v1/messages — the shop platform's webhook: every buyer message, the reply in the response. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { messageBodySchema, messageResponseSchema, errorSchema } from './schemas.js'
import { handleMessage } from '../service/handle-message.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_UNKNOWN_SHOP } from '../errors.js'
import { requireToken } from '../plugins/auth.js'

export interface MessagesRouteOptions { token?: string }

const route: FastifyPluginAsyncZod<MessagesRouteOptions> = async (app, opts) => {
  const auth = requireToken(opts.token)
  app.post('/v1/messages', {
    ...(auth ? { onRequest: auth } : {}),
    schema: {
      tags: ['webhook'],
      summary: 'Answer one buyer message',
      body: messageBodySchema,
      response: { 200: messageResponseSchema, 400: errorSchema, 404: errorSchema, 413: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const shopId = req.body.shopId ?? DEFAULT_SHOP
    const engine = app.rules.get(shopId)
    if (!engine) throw new ERR_UNKNOWN_SHOP(shopId)
    const end = app.metrics.decisionSeconds.startTimer()
    const res = await handleMessage(engine, { ...req.body, shopId }, {
      store: app.store,
      log: req.log,
      onOutcome: (shop, r, duplicate) => {
        app.metrics.messages.inc({ shop, action: r.action })
        if (duplicate) app.metrics.duplicates.inc({ shop })
        if (r.degraded) app.metrics.degraded.inc({ shop })
        for (const m of r.matched) app.metrics.intents.inc({ shop, intent: m.intent, method: m.method })
        if (r.handoff && !duplicate) app.metrics.handoffs.inc({ shop, reason: r.handoff.reason, priority: r.handoff.priority })
      }
    })
    end()
    req.log.info({ action: res.action, intents: res.matched.map((m) => m.intent), handoff: res.handoff?.reason }, 'answered')
    return res
  })
}

export default route
