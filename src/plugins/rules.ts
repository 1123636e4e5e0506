/**
 * Loads the rules at start-up (an invalid directory stops start-up with file:line and the reason)
 * and keeps them live: file changes and SIGHUP reload; a failed reload keeps the last good set.
 */
import type { TypoMode } from '../matching/typos.js'
import fp from 'fastify-plugin'
import { RuleRegistry, type ReloadStatus } from '../engine/registry.js'
import { watchRules, type Watcher } from '../rules/watch.js'
import { formatProblem, type RuleLimits } from '../rules/load.js'
import { ERR_RULES_INVALID } from '../errors.js'
import { classifierFallback } from '../matching/classifier.js'

declare module 'fastify' {
  interface FastifyInstance { rules: RuleRegistry }
}

export interface RulesPluginOptions {
  dir: string
  watch: boolean
  classifier: boolean
  /** the homophone / pinyin typo pass (TYPOS) */
  typos?: TypoMode
  acceptWarnings?: boolean
  limits?: RuleLimits
  /** how long the start waits for the first load (default: 2.5 s short of Fastify's plugin timeout) */
  startWaitMs?: number
}

export default fp<RulesPluginOptions>(async (app, opts) => {
  const registry = new RuleRegistry(opts.dir, opts.classifier ? [classifierFallback()] : [], undefined, {
    acceptWarnings: opts.acceptWarnings,
    engine: { typos: opts.typos ?? 'latin' },
    ...(opts.limits ? { limits: opts.limits } : {}),
    // parsing, validation and every example run off the event loop: requests keep being served
    worker: { classifier: opts.classifier },
    // the serving shops' examples run in the worker once the service is up (see RuleRegistry)
    onStartupWarnings: (warnings) => app.log.warn({ warnings: warnings.map(formatProblem) }, 'rules loaded with warnings (see `shop-autoreply check`)')
  })
  app.decorate('rules', registry)
  const reload = async (why: string, shops?: string[]): Promise<void> => {
    const s = await registry.reload(shops)
    if (s.ok && s.warnings.length > 0) app.log.warn({ why, ms: s.durationMs, warnings: s.warnings.map(formatProblem) }, 'rules reloaded with warnings (RULES_ACCEPT_WARNINGS)')
    else if (s.ok) app.log.info({ why, ms: s.durationMs, changed: s.changed }, 'rules reloaded')
    else app.log.error({ why, problems: s.problems.map(formatProblem) }, 'rules reload rejected; previous rules keep serving')
  }
  let watcher: Watcher | undefined
  if (opts.watch) {
    // a save re-reads the shops it touched; SIGHUP re-reads every folder (still only what changed is
    // compiled). The watcher's first scan (seconds for 1,000 shop folders) runs beside the first
    // load; a save during the load reloads after it.
    watcher = watchRules(opts.dir, (shops) => { void reload('file change', shops) })
  }

  // Fastify gives a plugin 10 s (pluginTimeout) and exits when it overruns. The first load of a few
  // shops takes well under a second; of 1,000 shops that share nothing, it can take longer. So the
  // start waits for it up to a budget below that timeout: a load done by then starts the service as
  // always (a broken file stops it with file:line); one still running goes on while the service
  // listens, /readyz says 503 and messages get 503 AR_ERR_RULES_LOADING with Retry-After (platforms
  // retry) until every shop is live.
  const loaded = (s: ReloadStatus): void => {
    app.log.info({ shops: registry.shopIds().length, ms: s.durationMs }, 'rules loaded')
    if (s.warnings.length > 0) app.log.warn({ warnings: s.warnings.map(formatProblem) }, 'rules loaded with warnings (see `shop-autoreply check`)')
  }
  let late = false
  const loading = registry.reload().then((s) => {
    if (late && s.ok) loaded(s)
    else if (late) app.log.error({ problems: s.problems.map(formatProblem) }, 'rules invalid: not serving until a save fixes them')
    return s
  })
  const budget = opts.startWaitMs ?? Math.max(1000, (app.initialConfig.pluginTimeout || 10_000) - START_MARGIN_MS)
  let waited!: () => void
  const budgetOver = new Promise<undefined>((resolve) => { waited = () => resolve(undefined) })
  const timer = setTimeout(waited, budget)
  const first = await Promise.race([loading, budgetOver])
  clearTimeout(timer)
  if (first && !first.ok) {
    await watcher?.close()
    await registry.close()
    throw new ERR_RULES_INVALID(first.problems.map(formatProblem).join('\n'))
  }
  if (first) loaded(first)
  else {
    late = true
    app.log.warn({ waitedMs: budget }, 'rules still loading: listening now; /readyz is 503 and messages get 503 until every shop is loaded')
  }
  // once the app is up, an operator's save must be seen: wait for the watcher's first scan
  await watcher?.ready

  const onHup = (): void => { void reload('SIGHUP') }
  process.on('SIGHUP', onHup)
  app.addHook('onClose', async () => {
    process.off('SIGHUP', onHup)
    await watcher?.close()
    await registry.close()
  })
}, { name: 'rules' })

/** how long before Fastify's plugin timeout the start stops waiting for the first load */
const START_MARGIN_MS = 2500
