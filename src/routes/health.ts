/** Liveness (the process answers) and readiness (rules loaded; the store answers when configured). */
import type { FastifyPluginAsync } from 'fastify'

const route: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'] } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { tags: ['health'] } }, async (_req, reply) => {
    const shops = app.rules.shopIds()
    // a script on each loaded shop's keys: on a cluster, every slot the service writes to
    const store = await app.store.ping(shops.length > 0 ? shops : undefined).catch(() => false)
    const rules = shops.length > 0
    const body = { status: store && rules ? 'ready' : 'not ready', store: { kind: app.store.kind, ok: store }, rules: { ok: rules, loading: app.rules.starting(), shops } }
    return reply.code(store && rules ? 200 : 503).send(body)
  })
}

export default route
