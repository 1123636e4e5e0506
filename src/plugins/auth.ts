/**
 * Optional bearer tokens, one per audience: the webhook (WEBHOOK_TOKEN), agents (AGENT_TOKEN) and
 * operators (OPERATOR_TOKEN). Unset means open, which suits a service behind the shop's gateway.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ERR_UNAUTHORIZED } from '../errors.js'

export function requireToken (token: string | undefined) {
  if (!token) return undefined
  const expected = Buffer.from(`Bearer ${token}`)
  return async function checkToken (req: FastifyRequest): Promise<void> {
    const got = Buffer.from(req.headers.authorization ?? '')
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new ERR_UNAUTHORIZED()
  }
}
