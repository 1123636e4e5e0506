/**
 * Everything a reload must prove before it goes live: the files load within the limits, the
 * engines compile, no example newly fails, no reply names a placeholder nobody fills. Pure of
 * threads: the registry runs it in place (tests) or in the reload worker (the service), so that
 * parsing, validating and running every example never stall the requests being served.
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
  /** failure keys of the serving set: a reload is judged by the failures it adds */
  failing: Set<string>
}

export interface Verdict {
  shops: Map<string, ShopRules>
  problems: RuleProblem[]
  warnings: RuleProblem[]
  failing: Set<string>
  /** the compiled engines when all is good (absent when rejected) */
  engines?: Map<string, ShopEngine>
}

const failureKey = (f: CheckFailure): string => `${f.shopId}\u0000${f.ruleId}\u0000${f.kind}\u0000${f.text}`
const failureProblem = (f: CheckFailure): RuleProblem => ({
  file: f.file,
  line: f.line,
  ruleId: f.ruleId,
  message: `${f.kind === 'example' ? 'example does not fire the rule' : 'not_example fires the rule'}: "${f.text}" → ${f.got}`
})

export async function validateRules (dir: string, load: (dir: string) => Promise<LoadResult>, opts: ValidateOptions): Promise<Verdict> {
  let shops: LoadResult['shops'] = new Map()
  let problems: RuleProblem[]
  try {
    ({ shops, problems } = await load(dir))
  } catch (err) {
    problems = [{ file: dir, line: 0, message: `could not read the rules: ${(err as Error).message}` }]
  }
  let engines: Map<string, ShopEngine> | undefined
  if (problems.length === 0) {
    try {
      engines = new Map([...shops].map(([id, rules]) => [id, buildEngine(rules, opts.fallbacks, opts.engine)]))
    } catch (err) {
      problems.push({ file: dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
    }
  }
  // A set that breaks its own examples or names a placeholder nobody fills would go live and
  // answer buyers wrongly: rejected like a syntax error, unless the operator accepts warnings.
  // Examples failing already in the serving set (or at start-up, when there is none) do not
  // block: the reload did not break them, and refusing to start would only hide them.
  let warnings: RuleProblem[] = []
  let failing = new Set<string>()
  if (engines) {
    const failures = [...engines.values()].flatMap((e) => checkEngine(e).failures)
    failing = new Set(failures.map(failureKey))
    const fresh = failures.filter((f) => !opts.first && !opts.failing.has(failureKey(f))).map(failureProblem)
    const placeholders = [...engines.values()].flatMap((e) => placeholderProblems(e.rules))
    const blocking = [...placeholders, ...fresh]
    warnings = [...blocking, ...(opts.first ? failures.map(failureProblem) : [])]
    if (blocking.length > 0 && !opts.acceptWarnings) {
      problems.push(...blocking.map((p) => ({ ...p, message: `${p.message} (set RULES_ACCEPT_WARNINGS=true to accept)` })))
      warnings = []
      engines = undefined
    }
  }
  return { shops, problems, warnings, failing, ...(engines ? { engines } : {}) }
}

