/**
 * The environment, validated once at start-up: a typo in a variable stops the service with the
 * variable's name instead of surfacing later as odd behaviour. Every variable is in README.md.
 */
import { TYPO_MODES, type TypoMode } from './matching/typos.js'
import { z } from 'zod'
import { ERR_CONFIG_INVALID } from './errors.js'

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** A duration with its unit: `30000` alone could be seconds or milliseconds, so it is refused with the form expected. */
const duration = z.string().transform((raw, ctx) => {
  const m = DURATION.exec(raw.trim())
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a duration with a unit, like 30s, 2m, 1h or 1500ms (got "${raw}")` })
    return z.NEVER
  }
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]
})

/** `host:port` (an IPv6 host in brackets, `[::1]:7000`); ports 1-65535. */
const SEED = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/

/**
 * Redis Cluster seeds, comma-separated `host:port`: any reachable node is enough, the client learns
 * the rest (and every change of slots) from the cluster itself. One bad seed refuses the whole list,
 * naming it: a typo that silently drops a seed would only show at the next failover.
 */
const clusterNodes = z.string().transform((raw, ctx) => {
  const seeds: Array<{ host: string; port: number }> = []
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = SEED.exec(part)
    const port = m ? Number(m[3]) : 0
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `expected comma-separated host:port seeds, like 10.0.0.1:7000,10.0.0.2:7000 ([::1]:7000 for IPv6); "${part}" is not one (got "${raw}")` })
      return z.NEVER
    }
    seeds.push({ host: m[1] ?? m[2]!, port })
  }
  return seeds
})

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])

const fallbackFields = {
  // Off by default: on realistic traffic the paraphrase classifier was wrong more often than right
  // (maintainers' real-buyer sets 5 right / 6 wrong and 3 / 4; our first-read set 2 / 5), and a wrong
  // answer costs more than a handoff. README "The fallbacks".
  CLASSIFIER: bool.default(false),
  // The typo pass: `latin` (pinyin typed in Latin letters) by default; Chinese homophones (`all`, or
  // `true` as before) only on request: on sets nobody tuned on the pass answered 2 right / 3 wrong
  // (first read 1 / 1, sealed sets 1 / 2), rewriting 有点长 into 店长 and 防伪标 into a free-shipping
  // question. `false` turns both off.
  TYPOS: z.union([z.enum(TYPO_MODES), bool.transform((on): TypoMode => (on ? 'all' : 'off'))]).default('latin')
}

/** Only the fallback switches, for the CLI: it builds the engine the server would, without needing the server's whole environment. */
export function fallbackSwitches (env: NodeJS.ProcessEnv = process.env): { CLASSIFIER: boolean; TYPOS: TypoMode } {
  return z.object(fallbackFields).parse({ CLASSIFIER: env.CLASSIFIER || undefined, TYPOS: env.TYPOS || undefined })
}

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // unset: 0.0.0.0 with agent and operator tokens, 127.0.0.1 without (src/access.ts)
  HOST: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
  RULES_DIR: z.string().default('./rules'),
  RULES_WATCH: bool.default(true),
  RULES_ACCEPT_WARNINGS: bool.default(false),
  // size limits of a rule set (src/rules/load.ts DEFAULT_LIMITS): each bounds what a reload costs
  RULES_MAX_FILE_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  RULES_MAX_RULES: z.coerce.number().int().positive().default(2000),
  RULES_MAX_KEYWORDS: z.coerce.number().int().positive().default(500),
  RULES_MAX_REPLY_CHARS: z.coerce.number().int().positive().default(2000),
  REDIS_URL: z.string().url().optional(),
  // a Redis Cluster instead of REDIS_URL's one server (README "Redis Cluster")
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  REDIS_PREFIX: z.string().default('ar:'),
  CLAIM_TIMEOUT: duration.default(120_000),
  BODY_LIMIT: z.coerce.number().int().positive().default(64 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_TOKEN: z.string().min(8).optional(),
  AGENT_TOKEN: z.string().min(8).optional(),
  OPERATOR_TOKEN: z.string().min(8).optional(),
  METRICS_TOKEN: z.string().min(8).optional(),
  DOCS_TOKEN: z.string().min(8).optional(),
  ...fallbackFields,
  // --- agents' replies, the outbox, history, signatures (README "Configuration") ---
  HISTORY_TTL: duration.default(30 * 86_400_000),
  OUTBOUND_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  OUTBOUND_WEBHOOK_SECRET: z.string().min(16).optional(),
  OUTBOX_SEND: bool.default(true),
  OUTBOX_LEASE: duration.default(30_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_RETRY_BASE: duration.default(1000),
  OUTBOX_RETRY_MAX: duration.default(300_000),
  OUTBOX_SEND_TIMEOUT: duration.default(10_000),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  AGENT_TOKENS: z.string().optional(),
  AGENT_TOKENS_FILE: z.string().optional(),
  EVENTS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  EVENTS_WEBHOOK_SECRET: z.string().min(16).optional(),
  // the default shop's WeChat Official Account, when it is not in the rule files (README "Channels")
  WECHAT_TOKEN: z.string().optional(),
  WECHAT_ENCODING_AES_KEY: z.string().optional(),
  WECHAT_APP_ID: z.string().optional(),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),
  /** answer in WeChat's HTTP response when ready within this; later answers go through the send API */
  WECHAT_REPLY_BUDGET: duration.default(4000)
}).superRefine((c, ctx) => {
  // both set is a deployment that has not decided: guessing one would silently write half the
  // shops' queues to a server the other instances do not read
  if (c.REDIS_URL !== undefined && c.REDIS_CLUSTER_NODES !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'set either REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both' })
  }
  // a brace in the prefix would become the hash tag of every key: all shops on one slot (README "Redis Cluster")
  if (c.REDIS_CLUSTER_NODES !== undefined && /[{}]/.test(c.REDIS_PREFIX)) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_PREFIX'], message: 'must not contain { or } with REDIS_CLUSTER_NODES: the shop\'s {shopId} is the hash tag that spreads shops over the cluster' })
  }
  if ((c.WECHAT_TOKEN === undefined) !== (c.WECHAT_APP_ID === undefined)) {
    ctx.addIssue({ code: 'custom', path: [c.WECHAT_TOKEN === undefined ? 'WECHAT_TOKEN' : 'WECHAT_APP_ID'], message: 'WECHAT_TOKEN and WECHAT_APP_ID are set together' })
  }
  if (c.WECHAT_REPLY_BUDGET >= 5000) ctx.addIssue({ code: 'custom', path: ['WECHAT_REPLY_BUDGET'], message: 'must be under 5s: WeChat drops the request and retries after 5 s' })
}).refine((c) => c.OUTBOX_SEND_TIMEOUT < c.OUTBOX_LEASE, {
  path: ['OUTBOX_SEND_TIMEOUT'],
  message: 'must be shorter than OUTBOX_LEASE, or a slow send would be taken over and sent twice'
})

export type Config = z.output<typeof configSchema>

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ERR_CONFIG_INVALID(lines.join('\n'))
  }
  return result.data
}
