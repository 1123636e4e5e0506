/** OpenAPI from the zod route schemas (one schema: validation and docs), UI at /docs. */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import { ERROR_CODES } from '../errors.js'

export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'shop-autoreply',
        version: '0.1.0',
        description: `Keyword auto-reply for shop chats, with handoff to human agents.\n\nError responses: \`{statusCode, code, error, message}\`; codes: ${ERROR_CODES.join(', ')}.`
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    },
    transform: jsonSchemaTransform
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'swagger' })
