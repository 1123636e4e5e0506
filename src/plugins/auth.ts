/**
 * Optional bearer tokens, one per audience: the webhook (WEBHOOK_TOKEN), agents (AGENT_TOKEN, and
 * AGENT_TOKENS for one token per agent) and operators (OPERATOR_TOKEN). Unset means open, which
 * suits a service behind the shop's gateway.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import type { FastifyRequest } from 'fastify'
import { ERR_AGENT_MISMATCH, ERR_TOKEN_REQUIRED, ERR_UNAUTHORIZED } from '../errors.js'
import { isLoopbackAddress } from '../access.js'

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

/**
 * The onRequest guard of one audience: the bearer token when it is set; otherwise, when the access
 * policy says so (src/access.ts), loopback clients only; otherwise none.
 */
export function requireToken (token: string | undefined, loopbackOnly?: { variable: string }) {
  if (!token && loopbackOnly) {
    return async function loopbackClientsOnly (req: FastifyRequest): Promise<void> {
      if (!isLoopbackAddress(req.socket.remoteAddress)) throw new ERR_TOKEN_REQUIRED(loopbackOnly.variable)
    }
  }
  if (!token) return undefined
  return async function checkToken (req: FastifyRequest): Promise<void> {
    if (!tokenMatches(bearerToken(req.headers.authorization), token)) throw new ERR_UNAUTHORIZED()
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** who the agent token said this is: an agentId, or '*' for the shared AGENT_TOKEN */
    agentIdentity?: string
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Agents: the shared AGENT_TOKEN (acts as any agent) and/or one token per agent (AGENT_TOKENS), so
 * that an agent authenticates as themselves and cannot act as another. Neither set: open.
 */
export function agentAuth (shared: string | undefined, perAgent: Record<string, string> = {}, loopbackOnly = false) {
  const entries = Object.entries(perAgent).map(([agentId, token]) => [agentId, digest(token)] as const)
  if (!shared && entries.length === 0) {
    // no token at all: open, or this machine only when the access policy says so (src/access.ts)
    return { onRequest: loopbackOnly ? requireToken(undefined, { variable: 'AGENT_TOKEN' }) : undefined, check: () => {} }
  }
  const sharedDigest = shared ? digest(shared) : undefined
  return {
    async onRequest (req: FastifyRequest): Promise<void> {
      const token = bearerToken(req.headers.authorization)
      if (token === undefined) throw new ERR_UNAUTHORIZED()
      // digests of equal length: every comparison takes the same time whatever was sent
      const got = digest(token)
      let who: string | undefined
      if (sharedDigest && timingSafeEqual(got, sharedDigest)) who = '*'
      for (const [agentId, d] of entries) if (timingSafeEqual(got, d) && who === undefined) who = agentId
      if (who === undefined) throw new ERR_UNAUTHORIZED()
      req.agentIdentity = who
    },
    /** an agent's own token may act only as that agent */
    check (req: FastifyRequest, agentId: string): void {
      const who = req.agentIdentity
      if (who !== undefined && who !== '*' && who !== agentId) throw new ERR_AGENT_MISMATCH(who)
    }
  }
}

/**
 * AGENT_TOKENS: `alice=token1,bob=token2` or a JSON object, or AGENT_TOKENS_FILE: a JSON or YAML
 * file mapping agentId to token. Both may be given; the file wins for an agent named in both.
 */
export function loadAgentTokens (inline: string | undefined, file: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (source: string, map: unknown) => {
    if (!map || typeof map !== 'object' || Array.isArray(map)) throw new Error(`${source}: expected a map of agentId to token`)
    for (const [agentId, token] of Object.entries(map as Record<string, unknown>)) {
      if (!agentId || agentId.startsWith('_')) throw new Error(`${source}: agent id "${agentId}" must not be empty or start with "_"`)
      if (typeof token !== 'string' || token.length < 16) throw new Error(`${source}: the token of "${agentId}" must be a string of at least 16 characters`)
      out[agentId] = token
    }
  }
  if (inline) {
    const text = inline.trim()
    add('AGENT_TOKENS', text.startsWith('{')
      ? JSON.parse(text)
      : Object.fromEntries(text.split(',').filter(Boolean).map((pair) => {
        const i = pair.indexOf('=')
        if (i <= 0) throw new Error('AGENT_TOKENS: use agentId=token pairs separated by commas, or a JSON object')
        return [pair.slice(0, i).trim(), pair.slice(i + 1).trim()]
      })))
  }
  if (file) add(`AGENT_TOKENS_FILE ${file}`, parseYaml(readFileSync(file, 'utf8')))
  return out
}
