/** Liveness (the process answers) and readiness (rules loaded; the store answers when configured). */
import type { FastifyPluginAsync } from 'fastify'

const route: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'] } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { tags: ['health'] } }, async (_req, reply) => {
    const store = await app.store.ping().catch(() => false)
    const rules = app.rules.shopIds().length > 0
    const body = { status: store && rules ? 'ready' : 'not ready', store: { kind: app.store.kind, ok: store }, rules: { ok: rules, loading: app.rules.starting(), shops: app.rules.shopIds() } }
    return reply.code(store && rules ? 200 : 503).send(body)
  })
}

export default route
