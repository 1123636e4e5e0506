/**
 * The live rule sets of every shop. A reload builds a whole new map off to the side and swaps it
 * in with one assignment, so no request ever sees a half-loaded set; a failed reload keeps the
 * previous map serving and remembers why it failed. Reloads run one at a time: two overlapping
 * loads could finish out of order and leave the older files serving after the newer ones.
 */
import { loadRulesDir, formatProblem, type LoadResult, type RuleProblem } from '../rules/load.js'
import { buildEngine, type FallbackFactory, type ShopEngine } from './engine.js'
import { checkEngine, type CheckFailure } from './check.js'
import { placeholderProblems } from '../rules/placeholders.js'

export interface ReloadStatus {
  ok: boolean
  at: number
  durationMs: number
  problems: RuleProblem[]
  /** accepted with RULES_ACCEPT_WARNINGS (or, at start-up, examples already failing): what is wrong but live */
  warnings: RuleProblem[]
}

export interface RegistryOptions {
  /** accept a set whose examples newly fail or whose templates name unknown placeholders, as warnings */
  acceptWarnings?: boolean
}

const failureKey = (f: CheckFailure): string => `${f.shopId}\u0000${f.ruleId}\u0000${f.kind}\u0000${f.text}`
const failureProblem = (f: CheckFailure): RuleProblem => ({
  file: f.file,
  line: f.line,
  ruleId: f.ruleId,
  message: `${f.kind === 'example' ? 'example does not fire the rule' : 'not_example fires the rule'}: "${f.text}" → ${f.got}`
})

export interface RegistryStatus {
  dir: string
  shops: Array<{ shopId: string; files: string[]; rules: number; sizeCharts: number; catalogs: number }>
  loadedAt: number | null
  reloads: number
  failedReloads: number
  lastReload: ReloadStatus | null
  /** the last reload that failed, kept until a later one succeeds */
  lastError: { at: number; problems: RuleProblem[]; message: string } | null
}

export class RuleRegistry {
  private shops = new Map<string, ShopEngine>()
  private loadedAt: number | null = null
  private reloads = 0
  private failedReloads = 0
  private lastReload: ReloadStatus | null = null
  private lastError: RegistryStatus['lastError'] = null
  private listeners: Array<(s: ReloadStatus) => void> = []
  /** examples failing in the serving set: a reload is judged by the failures it adds */
  private failing = new Set<string>()
  private running: Promise<ReloadStatus> | undefined
  private queued: Promise<ReloadStatus> | undefined

  constructor (
    readonly dir: string,
    private readonly fallbacks: FallbackFactory[] = [],
    /** reads the directory; replaceable so tests can hold a load half-way */
    private readonly load: (dir: string) => Promise<LoadResult> = loadRulesDir,
    private readonly options: RegistryOptions = {}
  ) {}

  get (shopId: string): ShopEngine | undefined {
    return this.shops.get(shopId)
  }

  shopIds (): string[] {
    return [...this.shops.keys()]
  }

  onReload (fn: (s: ReloadStatus) => void): void {
    this.listeners.push(fn)
  }

  /**
   * Loads, validates and compiles everything; swaps it in only when all of it is good. Never
   * rejects: callers (the watcher, SIGHUP) fire and forget. A call while a reload runs waits for
   * it and then reloads once more, since the running one may have read the files before the change
   * that prompted the call; every call arriving meanwhile shares that one follow-up reload.
   */
  reload (): Promise<ReloadStatus> {
    if (!this.running) {
      this.running = this.reloadNow().finally(() => { this.running = undefined })
      return this.running
    }
    const again = (): Promise<ReloadStatus> => {
      this.queued = undefined
      return this.reload()
    }
    // also after a failure (a throwing listener), or the follow-up would never run
    this.queued ??= this.running.then(again, again)
    return this.queued
  }

  private async reloadNow (): Promise<ReloadStatus> {
    const started = Date.now()
    let shops: LoadResult['shops'] = new Map()
    let problems: RuleProblem[]
    try {
      ({ shops, problems } = await this.load(this.dir))
    } catch (err) {
      problems = [{ file: this.dir, line: 0, message: `could not read the rules: ${(err as Error).message}` }]
    }
    let next: Map<string, ShopEngine> | undefined
    if (problems.length === 0) {
      try {
        next = new Map([...shops].map(([id, rules]) => [id, buildEngine(rules, this.fallbacks)]))
      } catch (err) {
        problems.push({ file: this.dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
      }
    }
    // A set that breaks its own examples or names a placeholder nobody fills would go live and
    // answer buyers wrongly: rejected like a syntax error, unless the operator accepts warnings.
    // Examples failing already in the serving set (or at start-up, when there is none) do not
    // block: the reload did not break them, and refusing to start would only hide them.
    let warnings: RuleProblem[] = []
    let failing = new Set<string>()
    if (next) {
      const failures = [...next.values()].flatMap((e) => checkEngine(e).failures)
      failing = new Set(failures.map(failureKey))
      const first = this.loadedAt === null
      const fresh = failures.filter((f) => !first && !this.failing.has(failureKey(f))).map(failureProblem)
      const placeholders = [...next.values()].flatMap((e) => placeholderProblems(e.rules))
      const blocking = [...placeholders, ...fresh]
      warnings = [...blocking, ...(first ? failures.map(failureProblem) : [])]
      if (blocking.length > 0 && !this.options.acceptWarnings) {
        problems.push(...blocking.map((p) => ({ ...p, message: `${p.message} (set RULES_ACCEPT_WARNINGS=true to accept)` })))
        warnings = []
        next = undefined
      }
    }
    const status: ReloadStatus = { ok: next !== undefined, at: Date.now(), durationMs: Date.now() - started, problems, warnings }
    this.reloads++
    if (next) {
      this.shops = next
      this.failing = failing
      this.loadedAt = status.at
      this.lastError = null
    } else {
      this.failedReloads++
      this.lastError = { at: status.at, problems, message: problems.map(formatProblem).join('\n') }
    }
    this.lastReload = status
    for (const l of this.listeners) l(status)
    return status
  }

  status (): RegistryStatus {
    return {
      dir: this.dir,
      shops: [...this.shops.values()].map((e) => ({
        shopId: e.shopId,
        files: e.rules.files,
        rules: e.rules.rules.length,
        sizeCharts: e.rules.sizeCharts.length,
        catalogs: e.rules.catalogs.length
      })),
      loadedAt: this.loadedAt,
      reloads: this.reloads,
      failedReloads: this.failedReloads,
      lastReload: this.lastReload,
      lastError: this.lastError
    }
  }
}
