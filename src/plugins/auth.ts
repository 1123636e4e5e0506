/**
 * Optional bearer tokens, one per audience: the webhook (WEBHOOK_TOKEN), agents (AGENT_TOKEN) and
 * operators (OPERATOR_TOKEN). Unset means open, which suits a service behind the shop's gateway.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ERR_UNAUTHORIZED } from '../errors.js'

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined. The scheme name is
 * case-insensitive (`bearer`, `BEARER`), as HTTP auth schemes are.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.1
 */
export function bearerToken (header: string | undefined): string | undefined {
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')
  return m?.[1]
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches (got: string | undefined, expected: string): boolean {
  if (got === undefined) return false
  const a = Buffer.from(got)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function requireToken (token: string | undefined) {
  if (!token) return undefined
  return async function checkToken (req: FastifyRequest): Promise<void> {
    if (!tokenMatches(bearerToken(req.headers.authorization), token)) throw new ERR_UNAUTHORIZED()
  }
}
