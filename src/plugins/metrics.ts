/**
 * Prometheus metrics on GET /metrics: what the bot answered, what it handed off and why, how long
 * matching took, and whether the rule files loaded.
 */
import fp from 'fastify-plugin'
import { requireToken } from './auth.js'
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client'
import { TalliedCounter } from './tallied-counter.js'

export interface Metrics {
  registry: Registry
  // counted once per message (src/service/record-outcome.ts): tallied, see tallied-counter.ts
  messages: TalliedCounter<'shop' | 'action'>
  intents: TalliedCounter<'shop' | 'intent' | 'method'>
  handoffs: TalliedCounter<'shop' | 'reason' | 'priority'>
  duplicates: TalliedCounter<'shop'>
  degraded: TalliedCounter<'shop'>
  decisionSeconds: Histogram
  rulesReloads: Counter<'result'>
  rulesLastReloadOk: Gauge
  claimsWaiting: Gauge
  outbox: Counter<'shop' | 'outcome'>
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics }
}

export interface MetricsPluginOptions { token?: string }

export default fp<MetricsPluginOptions>(async (app, opts) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'autoreply_process_' })
  const metrics: Metrics = {
    registry,
    messages: new TalliedCounter({ name: 'autoreply_messages_total', help: 'Buyer messages by outcome', labelNames: ['shop', 'action'], registers: [registry] }),
    intents: new TalliedCounter({ name: 'autoreply_answers_total', help: 'Answers by intent and matching method', labelNames: ['shop', 'intent', 'method'], registers: [registry] }),
    handoffs: new TalliedCounter({ name: 'autoreply_handoffs_total', help: 'Handoffs by reason and priority', labelNames: ['shop', 'reason', 'priority'], registers: [registry] }),
    duplicates: new TalliedCounter({ name: 'autoreply_redeliveries_total', help: 'Redelivered messageIds answered from the idempotency record', labelNames: ['shop'], registers: [registry] }),
    degraded: new TalliedCounter({ name: 'autoreply_degraded_answers_total', help: 'Answers given while the store was unavailable', labelNames: ['shop'], registers: [registry] }),
    decisionSeconds: new Histogram({ name: 'autoreply_message_seconds', help: 'Time to handle one buyer message, store included', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers: [registry] }),
    rulesReloads: new Counter({ name: 'autoreply_rules_reloads_total', help: 'Rule reloads by result', labelNames: ['result'], registers: [registry] }),
    rulesLastReloadOk: new Gauge({ name: 'autoreply_rules_last_reload_ok', help: '1 when the last rule reload succeeded, 0 when it was rejected', registers: [registry] }),
    claimsWaiting: new Gauge({ name: 'autoreply_claims_waiting', help: 'Long-poll claims waiting for a chat right now', registers: [registry] }),
    outbox: new Counter({ name: 'autoreply_outbox_sends_total', help: 'Outgoing messages sent by this instance, by outcome (sent, retry, failed = dead-lettered)', labelNames: ['shop', 'outcome'], registers: [registry] })
  }
  app.decorate('metrics', metrics)
  const auth = requireToken(opts.token)
  app.get('/metrics', {
    ...(auth ? { onRequest: auth } : {}),
    schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format); needs METRICS_TOKEN when set' }
  }, async (_req, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}, { name: 'metrics' })
