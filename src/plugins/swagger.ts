/** OpenAPI from the zod route schemas (one schema: validation and docs), UI at /docs. */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import { ERROR_CODES } from '../errors.js'
import { errorSchema } from '../routes/schemas.js'
import { requireToken } from './auth.js'

export interface SwaggerPluginOptions { docsToken?: string }

export default fp<SwaggerPluginOptions>(async (app, opts) => {
  // Every API route carries the bearer scheme and the 401 (and, for bodies, 415) every route can
  // answer: added here once, as routes register, so no route can forget them
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/') && route.url !== '/metrics') return
    const schema = (route.schema ??= {}) as Record<string, unknown>
    if (schema.hide) return
    schema.security ??= [{ bearer: [] }]
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    schema.response = { 401: errorSchema, ...(methods.includes('POST') ? { 415: errorSchema } : {}), ...(schema.response as object | undefined) }
  })
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'shop-autoreply',
        version: '0.1.0',
        description: `Keyword auto-reply for shop chats, with handoff to human agents.\n\nError responses: \`{statusCode, code, error, message}\`; codes: ${ERROR_CODES.join(', ')}.\n\nAuthentication: \`Authorization: Bearer <token>\` (scheme name case-insensitive) — WEBHOOK_TOKEN for /v1/messages, AGENT_TOKEN for /v1/handoff, OPERATOR_TOKEN for /v1/rules and /v1/analytics, METRICS_TOKEN for /metrics; a route whose token is unset needs none.`
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    },
    transform: jsonSchemaTransform
  })
  const auth = requireToken(opts.docsToken)
  await app.register(swaggerUi, { routePrefix: '/docs', ...(auth ? { uiHooks: { onRequest: auth } } : {}) })
}, { name: 'swagger' })
