/**
 * WeChat posts XML (text/xml), the mini-program JSON; both are read as text in the channel routes
 * only, so numbers (MsgId) are never rounded by JSON.parse and the rest of the API stays JSON-only.
 */
import type { FastifyInstance } from 'fastify'

export function rawBodies (app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
}
