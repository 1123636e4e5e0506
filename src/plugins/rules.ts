/**
 * Loads the rules at start-up (an invalid directory stops start-up with file:line and the reason)
 * and keeps them live: file changes and SIGHUP reload; a failed reload keeps the last good set.
 */
import type { TypoMode } from '../matching/typos.js'
import fp from 'fastify-plugin'
import { RuleRegistry } from '../engine/registry.js'
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
}

export default fp<RulesPluginOptions>(async (app, opts) => {
  const registry = new RuleRegistry(opts.dir, opts.classifier ? [classifierFallback()] : [], undefined, {
    acceptWarnings: opts.acceptWarnings,
    engine: { typos: opts.typos ?? 'latin' },
    ...(opts.limits ? { limits: opts.limits } : {}),
    // parsing, validation and every example run off the event loop: requests keep being served
    worker: { classifier: opts.classifier }
  })
  const first = await registry.reload()
  if (!first.ok) throw new ERR_RULES_INVALID(first.problems.map(formatProblem).join('\n'))
  app.decorate('rules', registry)
  app.log.info({ shops: registry.status().shops }, 'rules loaded')
  if (first.warnings.length > 0) app.log.warn({ warnings: first.warnings.map(formatProblem) }, 'rules loaded with warnings (see `shop-autoreply check`)')

  const reload = async (why: string): Promise<void> => {
    const s = await registry.reload()
    if (s.ok && s.warnings.length > 0) app.log.warn({ why, ms: s.durationMs, warnings: s.warnings.map(formatProblem) }, 'rules reloaded with warnings (RULES_ACCEPT_WARNINGS)')
    else if (s.ok) app.log.info({ why, ms: s.durationMs, shops: registry.shopIds() }, 'rules reloaded')
    else app.log.error({ why, problems: s.problems.map(formatProblem) }, 'rules reload rejected; previous rules keep serving')
  }
  let watcher: Watcher | undefined
  if (opts.watch) {
    watcher = watchRules(opts.dir, () => { void reload('file change') })
    // once the app is up, an operator's save must be seen: wait for the watcher's first scan
    await watcher.ready
  }
  const onHup = (): void => { void reload('SIGHUP') }
  process.on('SIGHUP', onHup)
  app.addHook('onClose', async () => {
    process.off('SIGHUP', onHup)
    await watcher?.close()
    await registry.close()
  })
}, { name: 'rules' })
