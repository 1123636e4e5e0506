/**
 * Assembles the service: plugins, then routes. Never listens (src/server.ts does), so tests and
 * benchmarks build it with `buildApp()` and use `inject`.
 */
import Fastify, { type FastifyError, type FastifyServerOptions } from 'fastify'
import { randomUUID } from 'node:crypto'
import { serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import { accessPolicy } from './access.js'
import { wellFormed } from './routes/well-formed.js'
import type { Store } from './store/types.js'
import storePlugin from './plugins/store.js'
import rulesPlugin from './plugins/rules.js'
import metricsPlugin from './plugins/metrics.js'
import swaggerPlugin from './plugins/swagger.js'
import trafficPlugin from './plugins/traffic.js'
import messagesRoute from './routes/messages.js'
import handoffRoute from './routes/handoff.js'
import conversationsRoute from './routes/conversations.js'
import outboxPlugin from './plugins/outbox.js'
import eventWebhooksPlugin from './plugins/event-webhooks.js'
import { loadAgentTokens } from './plugins/auth.js'
import operatorsRoute from './routes/operators.js'
import outboxRoute from './routes/outbox.js'
import healthRoute from './routes/health.js'
import consoleRoute from './routes/console.js'
import queueFeedPlugin from './plugins/queue-feed.js'
import channelsPlugin from './plugins/channels.js'
import wechatRoute from './channels/wechat/route.js'
import wecomRoute from './channels/wecom/route.js'
import { ERR_BODY_TOO_LARGE, ERR_INVALID_JSON, ERR_RULES_LOADING, ERR_UNSUPPORTED_MEDIA, ERR_VALIDATION } from './errors.js'

export interface BuildOptions {
  config: Config
  /** a ready store instead of the one REDIS_URL or REDIS_CLUSTER_NODES selects (tests) */
  store?: Store
  logger?: FastifyServerOptions['logger']
  /** how long the start waits for the first rules load (default: 2.5 s short of Fastify's plugin timeout; tests) */
  rulesStartWaitMs?: number
}

export async function buildApp ({ config, store, logger, rulesStartWaitMs }: BuildOptions) {
  const app = Fastify({
    logger: logger ?? {
      level: config.LOG_LEVEL,
      // tokens never reach the logs; buyer text is not logged by request logging at all
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // WeChat's signatures travel in the query string: logged as [redacted]
      serializers: { req: (req) => ({ method: req.method, url: redactQuery(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }) }
    },
    bodyLimit: config.BODY_LIMIT,
    genReqId: (req) => (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) ?? randomUUID(),
    requestIdHeader: false
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  // JSON only: a text/plain body is a client mistake, not a message
  app.removeContentTypeParser(['text/plain'])
  // a response sent once shutdown began (a long poll it ended) closes its connection: the client's
  // keep-alive socket would otherwise hold the server's close until the grace period ran out (exit 1)
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  // hooks on every request take a callback, not a promise: an async hook costs each request a
  // promise and a turn of the microtask queue
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id)
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  // lone surrogates (half an emoji) become U+FFFD before validation: nothing past the edge,
  // Redis's cjson included, meets an ill-formed string
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body !== undefined) req.body = wellFormed(req.body)
    done()
  })

  // swagger first: it sees every route registered after it (security and 401/415 added there)
  await app.register(swaggerPlugin, { docsToken: config.DOCS_TOKEN })
  await app.register(metricsPlugin, { token: config.METRICS_TOKEN })
  await app.register(trafficPlugin)
  const redis = config.REDIS_CLUSTER_NODES ? { cluster: config.REDIS_CLUSTER_NODES } : config.REDIS_URL ? { url: config.REDIS_URL } : undefined
  await app.register(storePlugin, { redis, prefix: config.REDIS_PREFIX, claimTimeoutMs: config.CLAIM_TIMEOUT, historyTtlMs: config.HISTORY_TTL, store })
  await app.register(rulesPlugin, { ...(rulesStartWaitMs !== undefined ? { startWaitMs: rulesStartWaitMs } : {}), dir: config.RULES_DIR, watch: config.RULES_WATCH, classifier: config.CLASSIFIER, typos: config.TYPOS, acceptWarnings: config.RULES_ACCEPT_WARNINGS, limits: { fileBytes: config.RULES_MAX_FILE_BYTES, entriesPerShop: config.RULES_MAX_RULES, keywordsPerRule: config.RULES_MAX_KEYWORDS, replyChars: config.RULES_MAX_REPLY_CHARS } })
  await app.register(outboxPlugin, {
    prefix: config.REDIS_PREFIX,
    leaseMs: config.OUTBOX_LEASE,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    retryBaseMs: config.OUTBOX_RETRY_BASE,
    retryMaxMs: config.OUTBOX_RETRY_MAX,
    sendTimeoutMs: config.OUTBOX_SEND_TIMEOUT,
    send: config.OUTBOX_SEND,
    ...(config.OUTBOUND_WEBHOOK_URL ? { defaultWebhook: { url: config.OUTBOUND_WEBHOOK_URL, ...(config.OUTBOUND_WEBHOOK_SECRET ? { secret: config.OUTBOUND_WEBHOOK_SECRET } : {}) } } : {})
  })
  await app.register(eventWebhooksPlugin, {
    timeoutMs: config.OUTBOX_SEND_TIMEOUT,
    ...(config.EVENTS_WEBHOOK_URL ? { target: { url: config.EVENTS_WEBHOOK_URL, ...(config.EVENTS_WEBHOOK_SECRET ? { secret: config.EVENTS_WEBHOOK_SECRET } : {}) } } : {})
  })
  app.rules.onReload((s) => {
    app.metrics.rulesReloads.inc({ result: s.ok ? 'ok' : 'rejected' })
    app.metrics.rulesLastReloadOk.set(s.ok ? 1 : 0)
  })
  app.metrics.rulesLastReloadOk.set(1)

  await app.register(queueFeedPlugin)
  await app.register(healthRoute)
  await app.register(messagesRoute, { token: config.WEBHOOK_TOKEN, secret: config.WEBHOOK_SECRET })
  const agentTokens = loadAgentTokens(config.AGENT_TOKENS, config.AGENT_TOKENS_FILE)
  const access = accessPolicy(config)
  await app.register(handoffRoute, { token: config.AGENT_TOKEN, agentTokens, loopbackOnly: access.agentsLoopbackOnly })
  await app.register(conversationsRoute, { token: config.AGENT_TOKEN, agentTokens, loopbackOnly: access.agentsLoopbackOnly })
  await app.register(operatorsRoute, { token: config.OPERATOR_TOKEN, loopbackOnly: access.operatorsLoopbackOnly })
  await app.register(consoleRoute, {
    tokens: { agent: config.AGENT_TOKEN, operator: config.OPERATOR_TOKEN, agents: new Map(Object.entries(agentTokens).map(([agentId, token]) => [token, agentId])) },
    claimTimeoutMs: config.CLAIM_TIMEOUT
  })
  await app.register(channelsPlugin, { config })
  await app.register(wechatRoute, { budgetMs: config.WECHAT_REPLY_BUDGET })
  await app.register(wecomRoute, { apiBase: config.WECOM_API_BASE })
  await app.register(outboxRoute, { token: config.OPERATOR_TOKEN, loopbackOnly: access.operatorsLoopbackOnly })
  return app
}

const SIGNED_PARAMS = /([?&](?:signature|msg_signature|echostr|nonce|access_token)=)[^&]*/g

function redactQuery (url: string): string {
  return url.replace(SIGNED_PARAMS, '$1[redacted]')
}

type AppInstance = Awaited<ReturnType<typeof buildApp>>

/** Every error leaves as {statusCode, code, error, message}: 4xx name the field, 5xx hide internals. */
function errorHandler (this: AppInstance, err: FastifyError, req: Parameters<Parameters<AppInstance['setErrorHandler']>[0]>[1], reply: Parameters<Parameters<AppInstance['setErrorHandler']>[0]>[2]) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => {
      const field = [err.validationContext === 'body' ? '' : err.validationContext, ...v.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.') || '(body)'
      return { field, message: v.message ?? 'invalid' }
    })
    const e = new ERR_VALIDATION(details.map((d) => `${d.field}: ${d.message}`).join('; '))
    return reply.code(400).send({ statusCode: 400, code: e.code, error: 'Bad Request', message: e.message, details })
  }
  let mapped: FastifyError = err
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) mapped = new ERR_INVALID_JSON(err.message)
  else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') mapped = new ERR_INVALID_JSON('the body is empty')
  else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') mapped = new ERR_BODY_TOO_LARGE(String(req.routeOptions.bodyLimit ?? ''))
  else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') mapped = new ERR_UNSUPPORTED_MEDIA()
  // while the first load runs (many shops: it may outlast the start, see src/plugins/rules.ts) no shop
  // is unknown yet: the platform is told to retry, not that the shop does not exist
  else if (err.code === 'AR_ERR_UNKNOWN_SHOP' && this.rules?.starting()) mapped = new ERR_RULES_LOADING()
  const status = mapped.statusCode ?? 500
  if (status >= 500) {
    if (mapped.code === 'AR_ERR_STORE_UNAVAILABLE' || mapped.code === 'AR_ERR_RULES_LOADING') {
      reply.header('retry-after', '5')
      req.log.warn({ code: mapped.code }, mapped.code === 'AR_ERR_RULES_LOADING' ? 'refused: rules still loading' : 'refused: store unavailable')
    } else {
      req.log.error({ err }, 'unexpected error')
      return reply.code(500).send({ statusCode: 500, code: 'AR_ERR_INTERNAL', error: 'Internal Server Error', message: 'Something went wrong; the request id is in the x-request-id header' })
    }
  }
  return reply.code(status).send({ statusCode: status, code: mapped.code ?? 'AR_ERR_UNKNOWN', error: httpName(status), message: mapped.message })
}

function httpName (status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? 'Error'
}
