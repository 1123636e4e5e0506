/**
 * The live rule sets of every shop. A reload builds a new map off to the side and swaps it in with
 * one assignment, so no request ever sees a half-loaded set; a failed reload keeps the previous map
 * serving and remembers why it failed. Reloads run one at a time: two overlapping loads could finish
 * out of order and leave the older files serving after the newer ones.
 *
 * Only the shops whose files changed are compiled again; the others keep their engine objects (a
 * provider runs 1,000 shops on one instance, and one operator's save must cost one shop). A reload
 * is still accepted or refused as a whole: a broken shop keeps every change of that reload out.
 */
import { loadRulesDir, formatProblem, type LoadResult, type RuleLimits, type RuleProblem } from '../rules/load.js'
import type { EngineOptions, FallbackFactory, ShopEngine } from './engine.js'
import { checkShops, compileShops, validateRules, type Verdict } from './validate.js'
import { ReloadWorker } from './reload-client.js'
import { ruleKey } from '../matching/compile.js'
import { syllables } from '../matching/typos.js'
import { contentOf } from '../matching/shared.js'
import type { ShopRules } from '../rules/schema.js'

export interface ReloadStatus {
  ok: boolean
  at: number
  durationMs: number
  problems: RuleProblem[]
  /** accepted with RULES_ACCEPT_WARNINGS (or, at start-up, examples already failing): what is wrong but live */
  warnings: RuleProblem[]
  /** the shops this reload compiled again, added or removed (none: nothing had changed) */
  changed: string[]
}

export interface RegistryOptions {
  /** accept a set whose examples newly fail or whose templates name unknown placeholders, as warnings */
  acceptWarnings?: boolean
  limits?: RuleLimits
  /** how each shop's engine is built (TYPOS) */
  engine?: EngineOptions
  /** validate in a worker thread; `classifier`: the worker judges not_examples with the classifier too */
  worker?: { classifier: boolean }
  /** the examples failing in the serving shops, found by the check after start-up (service only) */
  onStartupWarnings?: (warnings: RuleProblem[]) => void
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
  /** serving shops whose examples were run (in the service, after start-up, in the reload worker) */
  checked: number
}

export class RuleRegistry {
  private shops = new Map<string, ShopEngine>()
  private loadedAt: number | null = null
  private reloads = 0
  private failedReloads = 0
  private lastReload: ReloadStatus | null = null
  private lastError: RegistryStatus['lastError'] = null
  private listeners: Array<(s: ReloadStatus) => void> = []
  /** per serving shop, the examples failing in it once run: a reload is judged by the failures it adds */
  private baselines = new Map<string, Set<string>>()
  private running: Promise<ReloadStatus> | undefined
  private queued: Promise<ReloadStatus> | undefined
  private checking: Promise<void> | undefined
  /** the shops the queued follow-up reload must re-read; undefined: all of them */
  private queuedShops: Set<string> | undefined

  constructor (
    readonly dir: string,
    private readonly fallbacks: FallbackFactory[] = [],
    /** reads the directory (`only`: just these shops may have changed); replaceable so tests can hold a load half-way */
    load?: (dir: string, only?: ReadonlySet<string>) => Promise<LoadResult>,
    private readonly options: RegistryOptions = {}
  ) {
    this.load = load ?? ((d, only) => loadRulesDir(d, options.limits, only))
    // a replaced loader (tests) runs in place; the directory's own loader in the worker when asked
    if (!load && options.worker) this.worker = new ReloadWorker()
  }

  private readonly load: (dir: string, only?: ReadonlySet<string>) => Promise<LoadResult>
  private readonly worker: ReloadWorker | undefined

  get (shopId: string): ShopEngine | undefined {
    return this.shops.get(shopId)
  }

  shopIds (): string[] {
    return [...this.shops.keys()]
  }

  /** true until the first load has gone live: until then no shop is served, and none is unknown either */
  starting (): boolean {
    return this.loadedAt === null
  }

  onReload (fn: (s: ReloadStatus) => void): void {
    this.listeners.push(fn)
  }

  /**
   * Loads, validates and compiles what changed; swaps it in only when all of it is good. Never
   * rejects: callers (the watcher, SIGHUP) fire and forget. A call while a reload runs waits for
   * it and then reloads once more, since the running one may have read the files before the change
   * that prompted the call; every call arriving meanwhile shares that one follow-up reload.
   *
   * `shops`: only these shops' folders changed (the watcher says which), so only they are read;
   * without it every folder is read, and still only the shops whose files differ are compiled.
   */
  reload (shops?: string[]): Promise<ReloadStatus> {
    if (!this.running) {
      this.running = this.reloadNow(this.loadedAt === null ? undefined : shops && new Set(shops)).finally(() => { this.running = undefined })
      return this.running
    }
    if (!this.queued) this.queuedShops = shops && new Set(shops)
    else if (this.queuedShops) for (const id of shops ?? []) this.queuedShops.add(id)
    if (!shops) this.queuedShops = undefined
    const again = (): Promise<ReloadStatus> => {
      this.queued = undefined
      return this.reload(this.queuedShops && [...this.queuedShops])
    }
    // also after a failure (a throwing listener), or the follow-up would never run
    this.queued ??= this.running.then(again, again)
    return this.queued
  }

  private async reloadNow (only?: ReadonlySet<string>): Promise<ReloadStatus> {
    const started = Date.now()
    const first = this.loadedAt === null
    let verdict: Verdict
    if (this.worker && !first) {
      // parse, validate and run every example in the worker; compile here only what passed
      verdict = await this.inWorker(only)
    } else {
      // The first load runs in place: nothing is served yet, and start-up need not wait for a
      // worker. In the service its examples run in the worker afterwards (checkServing): at ~25 ms a
      // shop they would hold 1,000 shops' start-up for half a minute, for warnings only. Its engines
      // are built lazily: each shop compiles on its first message (~4 ms for one that shares no file).
      // Reloads compile the changed shops at once: an operator's save is served compiled.
      verdict = await validateRules(this.dir, this.load, {
        fallbacks: this.fallbacks,
        // the first load's shops compile on their first message: ready does not wait for 1,000 compiles
        engine: first ? { ...this.options.engine, lazy: true } : this.options.engine,
        acceptWarnings: this.options.acceptWarnings ?? false,
        first,
        serving: this.servingDigests(),
        baseline: (id) => this.baselineInPlace(id),
        examples: !(first && this.worker),
        ...(only ? { only } : {})
      })
    }
    const { problems, warnings } = verdict
    let next: Map<string, ShopEngine> | undefined
    if (problems.length === 0) {
      try {
        const compiled = verdict.engines ?? await compileShops(verdict.shops, this.fallbacks, this.options.engine, verdict.models)
        next = new Map(this.shops)
        for (const id of verdict.removed) next.delete(id)
        for (const [id, engine] of compiled) next.set(id, engine)
      } catch (err) {
        problems.push({ file: this.dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
      }
    }
    const changed = next ? [...verdict.shops.keys(), ...verdict.removed] : []
    const status: ReloadStatus = { ok: next !== undefined, at: Date.now(), durationMs: Date.now() - started, problems, warnings, changed }
    this.reloads++
    if (next) {
      this.shops = next
      for (const id of changed) {
        const keys = verdict.failing.get(id)
        if (keys) this.baselines.set(id, keys)
        else this.baselines.delete(id)
      }
      this.loadedAt = status.at
      this.lastError = null
    } else {
      this.failedReloads++
      this.lastError = { at: status.at, problems, message: problems.map(formatProblem).join('\n') }
    }
    this.lastReload = status
    for (const l of this.listeners) l(status)
    if (next && this.worker && this.baselines.size < this.shops.size) this.checking ??= this.checkServing().finally(() => { this.checking = undefined })
    return status
  }

  private servingDigests (): Map<string, string | undefined> {
    return new Map([...this.shops].map(([id, e]) => [id, e.rules.digest]))
  }

  /** in place the serving engine is at hand: its baseline is found when first needed */
  private baselineInPlace (id: string): Set<string> | undefined {
    const engine = this.shops.get(id)
    if (!engine) return undefined
    let keys = this.baselines.get(id)
    if (!keys) {
      keys = new Set(checkShops([engine.rules], { fallbacks: this.fallbacks, engine: this.options.engine })[0]!.failing)
      this.baselines.set(id, keys)
    }
    return keys
  }

  private async inWorker (only?: ReadonlySet<string>): Promise<Verdict> {
    try {
      const ask = (previous: Array<[string, ShopRules]>) => this.worker!.run({
        kind: 'reload',
        dir: this.dir,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
        classifier: this.options.worker!.classifier,
        typos: this.options.engine?.typos ?? 'latin',
        acceptWarnings: this.options.acceptWarnings ?? false,
        serving: [...this.servingDigests()],
        baselines: [...this.baselines].map(([id, keys]) => [id, [...keys]]),
        previous,
        ...(only ? { only: [...only] } : {})
      })
      let r = await ask([])
      // a changed shop whose examples were not run yet (just after start-up): its serving rules go
      // along, so the worker can tell the failures this change adds from those it had already
      if (r.needPrevious) r = await ask(r.needPrevious.flatMap((id) => { const e = this.shops.get(id); return e ? [[id, e.rules] as [string, ShopRules]] : [] }))
      if (r.error) throw new Error(r.error)
      const shops = new Map(r.shops)
      for (const [id, content] of r.contents ?? []) contentOf.set(shops.get(id)!, content)
      // what the worker worked out while judging (OpenCC, pinyin) is not worked out again here
      ruleKey.prime(r.keys ?? [])
      syllables.prime(r.pinyin ?? [])
      return { ...(r.models ? { models: new Map(r.models) } : {}), shops, removed: r.removed, problems: r.problems, warnings: r.warnings, failing: new Map(r.failing.map(([id, keys]) => [id, new Set(keys)])) }
    } catch (err) {
      return { shops: new Map(), removed: [], problems: [{ file: this.dir, line: 0, message: `could not validate the rules: ${(err as Error).message}` }], warnings: [], failing: new Map() }
    }
  }

  /**
   * Runs the examples of the serving shops not checked yet, in the worker, a few shops per message
   * so that a reload waits behind one batch at most; the failures found are the shops' baselines
   * and are reported as start-up warnings. Shops read from the same texts fail the same examples:
   * one of them is run and the others take its result (1,000 copies of the demo shop: one run, not
   * 1,000 runs of ~25 ms each beside the requests being served).
   */
  private async checkServing (): Promise<void> {
    for (;;) {
      const groups = new Map<string, ShopEngine[]>()
      for (const e of this.shops.values()) {
        if (this.baselines.has(e.shopId)) continue
        const key = contentOf.get(e.rules) ?? `shop\u0000${e.shopId}`
        groups.set(key, [...(groups.get(key) ?? []), e])
        if (groups.size >= CHECK_BATCH) break
      }
      if (groups.size === 0 || !this.worker) return
      const batch = [...groups.values()]
      let r
      try {
        r = await this.worker.run({ kind: 'check', shops: batch.map((g) => g[0]!.rules), classifier: this.options.worker!.classifier, typos: this.options.engine?.typos ?? 'latin' })
      } catch {
        return // the worker died: the next reload starts a new one, and changed shops bring their rules
      }
      const warnings: RuleProblem[] = []
      batch.forEach((group, i) => {
        const keys = r.failing[i]?.[1] ?? []
        const first = group[0]!
        for (const e of group) {
          // a reload may have replaced the shop meanwhile: that one brought its own baseline
          if (this.shops.get(e.shopId) !== e || this.baselines.has(e.shopId)) continue
          this.baselines.set(e.shopId, new Set(keys.map((k) => e.shopId + k.slice(first.shopId.length))))
        }
        const own = r.warnings.filter((w) => first.rules.files.includes(w.file))
        warnings.push(...own.map((w) => group.length > 1 ? { ...w, message: `${w.message} (also in ${group.length - 1} more shop(s) with the same files)` } : w))
      })
      if (warnings.length > 0) this.options.onStartupWarnings?.(warnings)
    }
  }

  /** resolves once every serving shop's examples have run (tests and benchmarks wait for it) */
  async checked (): Promise<void> {
    while (this.checking) await this.checking
  }

  /** stops the reload worker (the service's close) */
  async close (): Promise<void> {
    const w = this.worker
    await w?.close()
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
      lastError: this.lastError,
      checked: this.baselines.size
    }
  }
}

/** shops (of different texts) per check message: ~25 ms each for the demo shop, so a reload waits well under a second */
const CHECK_BATCH = 20
