/**
 * Who is at the console: the bearer token says whether it is an agent or an operator. The console
 * has no open mode, unlike the API without tokens: a page anyone on the network can open must
 * not show buyers' chats to whoever opens it.
 */
import type { FastifyRequest } from 'fastify'
import { ERR_CONSOLE_DISABLED, ERR_CONSOLE_ROLE, ERR_UNAUTHORIZED } from '../errors.js'
import { bearerToken, tokenMatches } from './auth.js'

export type ConsoleRole = 'agent' | 'operator'

export interface ConsoleIdentity {
  roles: ConsoleRole[]
  /** set when the token belongs to one agent: the desk may act only under this name */
  agentId?: string
}

export interface ConsoleTokens {
  agent?: string
  operator?: string
  /** per-agent tokens: token → agentId */
  agents?: ReadonlyMap<string, string>
}

export function identify (authorization: string | undefined, tokens: ConsoleTokens): ConsoleIdentity {
  if (!tokens.agent && !tokens.operator && !tokens.agents?.size) throw new ERR_CONSOLE_DISABLED()
  const got = bearerToken(authorization)
  if (got === undefined) throw new ERR_UNAUTHORIZED()
  const roles: ConsoleRole[] = []
  let agentId: string | undefined
  for (const [token, id] of tokens.agents ?? []) if (tokenMatches(got, token)) agentId = id
  if (agentId || (tokens.agent && tokenMatches(got, tokens.agent))) roles.push('agent')
  if (tokens.operator && tokenMatches(got, tokens.operator)) roles.push('operator')
  if (roles.length === 0) throw new ERR_UNAUTHORIZED()
  return agentId ? { roles, agentId } : { roles }
}

declare module 'fastify' {
  interface FastifyRequest { consoleIdentity?: ConsoleIdentity }
}

/** An onRequest hook: any console token; with `role`, that role only (403 for the other). */
export function requireConsole (tokens: ConsoleTokens, role?: ConsoleRole) {
  return async function checkConsole (req: FastifyRequest): Promise<void> {
    const who = identify(req.headers.authorization, tokens)
    if (role && !who.roles.includes(role)) throw new ERR_CONSOLE_ROLE(role)
    req.consoleIdentity = who
  }
}
