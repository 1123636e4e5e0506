/**
 * The browser console at /console: static files from src/console and the ES modules it is
 * built from (preact, preact/hooks, htm, eventsource-parser) straight from node_modules, no build step and nothing
 * fetched from elsewhere at run time; plus the few calls only the console needs: who am I, the
 * live queue as server-sent events, quick replies, today's figures. Everything else the console
 * does goes through the public API with the same bearer token.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { z } from 'zod'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { ServerResponse } from 'node:http'
import { shopIdSchema, errorSchema } from './schemas.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { ERR_CONSOLE_BUSY, ERR_UNKNOWN_SHOP } from '../errors.js'
import { requireConsole, type ConsoleTokens } from '../plugins/console-auth.js'

export interface ConsoleRouteOptions {
  tokens: ConsoleTokens
  claimTimeoutMs: number
  /** live event streams one instance keeps open at most */
  maxStreams?: number
}

const ROOT = fileURLToPath(new URL('../console/', import.meta.url))
const require = createRequire(import.meta.url)
/** The only files served from node_modules, by name. */
/** A file of an installed package (some packages do not export their package.json). */
function pkg (name: string, file: string): string {
  let dir = dirname(require.resolve(name))
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    if (dirname(dir) === dir) throw new Error(`console: package ${name} not found`)
    dir = dirname(dir)
  }
  return join(dir, file)
}
const VENDOR: Record<string, string> = {
  'preact.mjs': pkg('preact', 'dist/preact.mjs'),
  'hooks.mjs': pkg('preact', 'hooks/dist/hooks.mjs'),
  'htm.mjs': pkg('htm', 'dist/htm.mjs'),
  // fetch() streaming needs its own SSE parser: EventSource cannot send the Authorization header
  'parse.js': pkg('eventsource-parser', 'dist/parse.js'),
  'errors.js': pkg('eventsource-parser', 'dist/errors.js')
}
const KEEPALIVE_MS = 15_000

/**
 * The page's only inline script is its import map (bare names → /console/vendor/…); it is allowed
 * by its hash, so no other inline script, and nothing from another origin, can run.
 */
function contentSecurityPolicy (): string {
  const html = readFileSync(new URL('index.html', `file://${ROOT}`), 'utf8')
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
  const hash = createHash('sha256').update(map).digest('base64')
  return [
    "default-src 'none'", `script-src 'self' 'sha256-${hash}'`, "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
  ].join('; ')
}

const route: FastifyPluginAsyncZod<ConsoleRouteOptions> = async (app, opts) => {
  const anyone = requireConsole(opts.tokens)
  const operator = requireConsole(opts.tokens, 'operator')
  const maxStreams = opts.maxStreams ?? 500
  const csp = contentSecurityPolicy()
  const shopOf = (shopId?: string) => {
    const id = shopId ?? DEFAULT_SHOP
    const engine = app.rules.get(id)
    if (!engine) throw new ERR_UNKNOWN_SHOP(id)
    return engine
  }

  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith('/console')) return
    reply.header('content-security-policy', csp)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('x-frame-options', 'DENY')
  })
  await app.register(fastifyStatic, { root: ROOT, prefix: '/console/', index: 'index.html', wildcard: false, decorateReply: true })
  app.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'))
  app.get('/console/vendor/:file', { schema: { hide: true, params: z.object({ file: z.string() }) } }, async (req, reply) => {
    const path = VENDOR[req.params.file]
    if (!path) return reply.callNotFound()
    return reply.sendFile(basename(path), dirname(path))
  })

  app.get('/v1/console/me', {
    onRequest: anyone,
    schema: {
      tags: ['console'],
      summary: 'Who this token is: agent and/or operator; the shops; the claim timeout for heartbeats',
      response: { 200: z.object({ roles: z.array(z.enum(['agent', 'operator'])), agentId: z.string().nullable(), shops: z.array(z.string()), claimTimeoutMs: z.number() }), 401: errorSchema }
    }
  }, async (req) => ({ roles: req.consoleIdentity!.roles, agentId: req.consoleIdentity!.agentId ?? null, shops: app.rules.shopIds(), claimTimeoutMs: opts.claimTimeoutMs }))

  const shopQuery = z.object({ shopId: shopIdSchema.optional() })

  app.get('/v1/console/queue', {
    onRequest: anyone,
    schema: { tags: ['console'], summary: 'The open tickets (waiting in claim order, then claimed) and the queue stats, once', querystring: shopQuery, response: { 200: z.any(), 401: errorSchema, 404: errorSchema, 503: errorSchema } }
  }, async (req) => app.queueFeed.snapshot(shopOf(req.query.shopId).shopId))

  const streams = new Set<ServerResponse>()
  app.addHook('preClose', async () => { for (const res of streams) res.end() })

  app.get('/v1/console/events', {
    onRequest: anyone,
    schema: {
      tags: ['console'],
      summary: 'The queue live (text/event-stream): an `event: queue` with the same body as /v1/console/queue on connect and on every change; an `event: delivery` {conversationId, messageId, status} when an agent message is delivered or fails',
      querystring: shopQuery,
      response: { 401: errorSchema, 404: errorSchema, 503: errorSchema }
    }
  }, async (req, reply) => {
    const shopId = shopOf(req.query.shopId).shopId
    if (streams.size >= maxStreams) throw new ERR_CONSOLE_BUSY()
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', 'x-request-id': req.id })
    res.write(': connected\n\n')
    streams.add(res)
    const unsubscribe = app.queueFeed.subscribe(shopId, (s) => { res.write(`event: queue\ndata: ${JSON.stringify(s)}\n\n`) })
    // an agent's message reached the buyer (or failed): the desk holding that chat reads it again
    const offDelivery = app.events.onEvent((e) => {
      if (e.type === 'message.delivery' && e.shopId === shopId) res.write(`event: delivery\ndata: ${JSON.stringify({ conversationId: e.conversationId, messageId: e.messageId, status: e.status })}\n\n`)
    })
    // a comment line now and then keeps proxies from closing an idle stream
    const keepalive = setInterval(() => res.write(': ping\n\n'), KEEPALIVE_MS)
    res.once('close', () => { clearInterval(keepalive); unsubscribe(); offDelivery(); streams.delete(res) })
  })

  app.get('/v1/console/quick-replies', {
    onRequest: anyone,
    schema: { tags: ['console'], summary: "The shop's quick replies (quick_replies: in the rule files)", querystring: shopQuery, response: { 200: z.object({ shopId: z.string(), quickReplies: z.array(z.object({ title: z.string(), text: z.string() })) }), 401: errorSchema, 404: errorSchema } }
  }, async (req) => {
    const engine = shopOf(req.query.shopId)
    return { shopId: engine.shopId, quickReplies: engine.rules.quickReplies.map((q) => ({ title: q.title, text: q.text })) }
  })

  app.get('/v1/console/today', {
    onRequest: operator,
    schema: {
      tags: ['console'],
      summary: "Today's figures in the shop's time zone: messages per hour answered / handed off / passed to an agent, top intents, queue stats",
      querystring: shopQuery,
      response: { 200: z.any(), 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema }
    }
  }, async (req) => {
    const engine = shopOf(req.query.shopId)
    const [stats, replies] = await Promise.all([app.store.stats(engine.shopId), app.store.replyStats(engine.shopId)])
    return { ...app.traffic.today(engine.shopId, engine.timeZone), stats: { ...stats, ...replies } }
  })
}

export default route
