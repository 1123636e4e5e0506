/**
 * Everything a reload must prove before it goes live: the files load within the limits, the
 * engines compile, no example newly fails, no reply names a placeholder nobody fills. Pure of
 * threads: the registry runs it in place (tests) or in the reload worker (the service), so that
 * parsing, validating and running every example never stall the requests being served.
 *
 * Only shops whose files changed are compiled and judged (their digest differs from the serving
 * one): with 1,000 shops on one instance, one operator's save costs that shop, not all of them.
 */
import type { LoadResult, RuleProblem } from '../rules/load.js'
import type { ShopRules } from '../rules/schema.js'
import { buildEngine, type EngineOptions, type FallbackFactory, type ShopEngine } from './engine.js'
import { checkEngine, type CheckFailure } from './check.js'
import { placeholderProblems } from '../rules/placeholders.js'

export interface ValidateOptions {
  fallbacks: FallbackFactory[]
  /** as the server builds its engines (TYPOS), so examples are judged by what buyers get */
  engine?: EngineOptions
  acceptWarnings: boolean
  /** no set serves yet (start-up): failing examples are warnings, not a reason to refuse */
  first: boolean
  /** the digest of each serving shop: a shop loaded with the same digest is unchanged */
  serving?: ReadonlyMap<string, string | undefined>
  /**
   * the failure keys of a serving shop, which a reload is judged against (it may not add any);
   * undefined when not known yet: then `previous` must give that shop's serving rules
   */
  baseline: (shopId: string) => ReadonlySet<string> | undefined
  previous?: ReadonlyMap<string, ShopRules>
  /** false: skip running the examples (start-up in the service: they run in the worker afterwards) */
  examples?: boolean
  /** only these shops may have changed (the watcher saw their folders): the others are not read */
  only?: ReadonlySet<string>
}

export interface Verdict {
  /** the shops that changed or are new, as loaded */
  shops: Map<string, ShopRules>
  /** serving shops whose folder is gone */
  removed: string[]
  problems: RuleProblem[]
  warnings: RuleProblem[]
  /** failure keys per changed shop (absent when its examples were not run) */
  failing: Map<string, Set<string>>
  /** the compiled engines of the changed shops when all is good (absent when rejected) */
  engines?: Map<string, ShopEngine>
  /** changed serving shops without a baseline and without `previous`: ask again with their rules */
  needPrevious?: string[]
  /** what the changed shops' fallbacks learnt in the worker, restored instead of learnt again */
  models?: Map<string, unknown[]>
}

export const failureKey = (f: CheckFailure): string => `${f.shopId}\u0000${f.ruleId}\u0000${f.kind}\u0000${f.text}`
export const failureProblem = (f: CheckFailure): RuleProblem => ({
  file: f.file,
  line: f.line,
  ruleId: f.ruleId,
  message: `${f.kind === 'example' ? 'example does not fire the rule' : 'not_example fires the rule'}: "${f.text}" → ${f.got}`
})

export async function validateRules (dir: string, load: (dir: string, only?: ReadonlySet<string>) => Promise<LoadResult>, opts: ValidateOptions): Promise<Verdict> {
  let loaded: LoadResult['shops'] = new Map()
  let problems: RuleProblem[]
  try {
    ({ shops: loaded, problems } = await load(dir, opts.only))
  } catch (err) {
    problems = [{ file: dir, line: 0, message: `could not read the rules: ${(err as Error).message}` }]
  }
  const serving = opts.serving ?? new Map<string, string | undefined>()
  const shops = new Map([...loaded].filter(([id, rules]) => rules.digest === undefined || serving.get(id) !== rules.digest || !serving.has(id)))
  const removed = problems.length === 0 ? [...serving.keys()].filter((id) => !loaded.has(id) && (!opts.only || opts.only.has(id))) : []
  const failing = new Map<string, Set<string>>()
  if (problems.length > 0) return { shops, removed, problems, warnings: [], failing }
  const runExamples = opts.examples ?? true
  if (runExamples && !opts.first) {
    const needPrevious = [...shops.keys()].filter((id) => serving.has(id) && !opts.baseline(id) && !opts.previous?.has(id))
    if (needPrevious.length > 0) return { shops, removed, problems, warnings: [], failing, needPrevious }
  }
  let engines: Map<string, ShopEngine> | undefined
  try {
    engines = await compileShops(shops, opts.fallbacks, opts.engine)
  } catch (err) {
    problems.push({ file: dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
    return { shops, removed, problems, warnings: [], failing }
  }
  // A set that breaks its own examples or names a placeholder nobody fills would go live and
  // answer buyers wrongly: rejected like a syntax error, unless the operator accepts warnings.
  // Examples failing already in the serving set (or at start-up, when there is none) do not
  // block: the reload did not break them, and refusing to start would only hide them.
  const blocking: RuleProblem[] = []
  const known: RuleProblem[] = []
  for (const [id, engine] of engines) {
    blocking.push(...placeholderProblems(engine.rules))
    if (!runExamples) continue
    const failures = checkEngine(engine).failures
    failing.set(id, new Set(failures.map(failureKey)))
    if (opts.first) { known.push(...failures.map(failureProblem)); continue }
    const before = opts.baseline(id) ?? baselineOf(opts.previous?.get(id), opts)
    blocking.push(...failures.filter((f) => !before.has(failureKey(f))).map(failureProblem))
  }
  if (blocking.length > 0 && !opts.acceptWarnings) {
    problems.push(...blocking.map((p) => ({ ...p, message: `${p.message} (set RULES_ACCEPT_WARNINGS=true to accept)` })))
    return { shops, removed, problems, warnings: [], failing }
  }
  return { shops, removed, problems, warnings: [...blocking, ...known], failing, engines }
}

/**
 * Compiles shop after shop, giving the event loop a turn every few milliseconds: the first load of
 * 1,000 shops compiles for seconds on the main thread, and /healthz, /readyz and Fastify's own start
 * timer must keep running meanwhile.
 */
export async function compileShops (shops: ReadonlyMap<string, ShopRules>, fallbacks: FallbackFactory[], engine?: EngineOptions, models?: ReadonlyMap<string, unknown[]>): Promise<Map<string, ShopEngine>> {
  const out = new Map<string, ShopEngine>()
  let since = performance.now()
  for (const [id, rules] of shops) {
    out.set(id, buildEngine(rules, fallbacks, engine, models?.get(id)))
    if (performance.now() - since > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      since = performance.now()
    }
  }
  return out
}

const YIELD_EVERY_MS = 20

/** The failure keys of a shop's serving rules (a new shop has none: every failure is new). */
function baselineOf (rules: ShopRules | undefined, opts: ValidateOptions): Set<string> {
  if (!rules) return new Set()
  return new Set(checkEngine(buildEngine(rules, opts.fallbacks, opts.engine)).failures.map(failureKey))
}

/** A start-up check of shops already serving: their failing examples, as keys and as warnings. */
export function checkShops (shops: Iterable<ShopRules>, opts: Pick<ValidateOptions, 'fallbacks' | 'engine'>): Array<{ shopId: string; failing: string[]; warnings: RuleProblem[] }> {
  return [...shops].map((rules) => {
    const failures = checkEngine(buildEngine(rules, opts.fallbacks, opts.engine)).failures
    return { shopId: rules.shopId, failing: failures.map(failureKey), warnings: failures.map(failureProblem) }
  })
}
