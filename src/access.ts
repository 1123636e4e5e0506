/**
 * Safe by default: without tokens nobody outside the machine may claim chats, read buyers' messages
 * or the unanswered questions. Decided once from the environment, announced in one start-up line.
 *   - tokens for agents and operators set: listen where HOST says (0.0.0.0 by default);
 *   - NODE_ENV=development: open, as before, and the line says so;
 *   - a token missing and HOST unset: listen on 127.0.0.1 only;
 *   - a token missing and HOST set beyond loopback: that audience's routes answer loopback
 *     clients only (403 AR_ERR_TOKEN_REQUIRED to others); the webhook stays reachable.
 */
import type { Config } from './config.js'

export interface AccessPolicy {
  host: string
  /** the agents' routes refuse clients that are not on this machine */
  agentsLoopbackOnly: boolean
  operatorsLoopbackOnly: boolean
  /** the one start-up line */
  line: string
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

export function accessPolicy (config: Pick<Config, 'HOST' | 'NODE_ENV' | 'AGENT_TOKEN' | 'OPERATOR_TOKEN'> & Partial<Pick<Config, 'AGENT_TOKENS' | 'AGENT_TOKENS_FILE'>>): AccessPolicy {
  // per-agent tokens count as agent tokens
  const agents = Boolean(config.AGENT_TOKEN || config.AGENT_TOKENS || config.AGENT_TOKENS_FILE)
  const missing = [!agents && 'AGENT_TOKEN', !config.OPERATOR_TOKEN && 'OPERATOR_TOKEN'].filter(Boolean) as string[]
  const open = { agentsLoopbackOnly: false, operatorsLoopbackOnly: false }
  if (missing.length === 0) {
    const host = config.HOST ?? '0.0.0.0'
    return { host, ...open, line: `access: tokens set for agents and operators; listening on ${host}` }
  }
  if (config.NODE_ENV === 'development') {
    const host = config.HOST ?? '0.0.0.0'
    return { host, ...open, line: `access: NODE_ENV=development and no ${missing.join(' or ')}: agent and operator routes are OPEN to anyone who reaches ${host}` }
  }
  if (config.HOST === undefined) {
    return { host: '127.0.0.1', ...open, line: `access: no ${missing.join(' or ')}: listening on 127.0.0.1 only; set the token(s) to serve other machines` }
  }
  if (LOOPBACK_HOSTS.has(config.HOST)) {
    return { host: config.HOST, ...open, line: `access: no ${missing.join(' or ')}: listening on ${config.HOST} (loopback) only` }
  }
  const agentsLoopbackOnly = !agents
  const operatorsLoopbackOnly = !config.OPERATOR_TOKEN
  const which = [agentsLoopbackOnly && 'agent', operatorsLoopbackOnly && 'operator'].filter(Boolean).join(' and ')
  return { host: config.HOST, agentsLoopbackOnly, operatorsLoopbackOnly, line: `access: HOST=${config.HOST} without ${missing.join(' or ')}: ${which} routes answer clients on this machine only (403 to others); the webhook is open` }
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress (ip: string | undefined): boolean {
  if (!ip) return false
  return ip === '::1' || /^(?:::ffff:)?127\./.test(ip)
}
