/**
 * The live rule sets of every shop. A reload builds a whole new map off to the side and swaps it
 * in with one assignment, so no request ever sees a half-loaded set; a failed reload keeps the
 * previous map serving and remembers why it failed. Reloads run one at a time: two overlapping
 * loads could finish out of order and leave the older files serving after the newer ones.
 */
import { loadRulesDir, formatProblem, type LoadResult, type RuleLimits, type RuleProblem } from '../rules/load.js'
import { buildEngine, type EngineOptions, type FallbackFactory, type ShopEngine } from './engine.js'
import { validateRules, type Verdict } from './validate.js'
import { ReloadWorker } from './reload-client.js'
import type { ShopRules } from '../rules/schema.js'

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
  limits?: RuleLimits
  /** how each shop's engine is built (TYPOS) */
  engine?: EngineOptions
  /** validate in a worker thread; `classifier`: the worker judges not_examples with the classifier too */
  worker?: { classifier: boolean }
}


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
    load?: (dir: string) => Promise<LoadResult>,
    private readonly options: RegistryOptions = {}
  ) {
    this.load = load ?? ((d) => loadRulesDir(d, options.limits))
    // a replaced loader (tests) runs in place; the directory's own loader in the worker when asked
    if (!load && options.worker) this.worker = new ReloadWorker()
  }

  private readonly load: (dir: string) => Promise<LoadResult>
  private readonly worker: ReloadWorker | undefined

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
    const first = this.loadedAt === null
    let verdict: Verdict
    if (this.worker && !first) {
      // parse, validate and run every example in the worker; compile here only what passed. The
      // first load runs in place: nothing is served yet, and start-up need not wait for a worker
      verdict = await this.inWorker(first)
    } else {
      verdict = await validateRules(this.dir, this.load, { fallbacks: this.fallbacks, engine: this.options.engine, acceptWarnings: this.options.acceptWarnings ?? false, first, failing: this.failing })
    }
    const { problems, warnings, failing } = verdict
    let next = verdict.engines
    if (!next && problems.length === 0) {
      try {
        next = new Map([...verdict.shops].map(([id, rules]) => [id, buildEngine(rules, this.fallbacks, this.options.engine)]))
      } catch (err) {
        problems.push({ file: this.dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
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

  private async inWorker (first: boolean): Promise<Verdict> {
    try {
      const r = await this.worker!.run({
        dir: this.dir,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
        classifier: this.options.worker!.classifier,
        typos: this.options.engine?.typos ?? 'latin',
        acceptWarnings: this.options.acceptWarnings ?? false,
        first,
        failing: [...this.failing]
      })
      if (r.error) throw new Error(r.error)
      return { shops: new Map(r.shops as Array<[string, ShopRules]>), problems: r.problems as RuleProblem[], warnings: r.warnings as RuleProblem[], failing: new Set(r.failing) }
    } catch (err) {
      return { shops: new Map(), problems: [{ file: this.dir, line: 0, message: `could not validate the rules: ${(err as Error).message}` }], warnings: [], failing: this.failing }
    }
  }

  /** stops the reload worker (the service's close) */
  async close (): Promise<void> {
    await this.worker?.close()
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
