/**
 * The live rule sets of every shop. A reload builds a whole new map off to the side and swaps it
 * in with one assignment, so no request ever sees a half-loaded set; a failed reload keeps the
 * previous map serving and remembers why it failed.
 */
import { loadRulesDir, formatProblem, type RuleProblem } from '../rules/load.js'
import { buildEngine, type FallbackFactory, type ShopEngine } from './engine.js'

export interface ReloadStatus {
  ok: boolean
  at: number
  durationMs: number
  problems: RuleProblem[]
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

  constructor (readonly dir: string, private readonly fallbacks: FallbackFactory[] = []) {}

  get (shopId: string): ShopEngine | undefined {
    return this.shops.get(shopId)
  }

  shopIds (): string[] {
    return [...this.shops.keys()]
  }

  onReload (fn: (s: ReloadStatus) => void): void {
    this.listeners.push(fn)
  }

  /** Loads, validates and compiles everything; swaps it in only when all of it is good. */
  async reload (): Promise<ReloadStatus> {
    const started = Date.now()
    const { shops, problems } = await loadRulesDir(this.dir)
    let next: Map<string, ShopEngine> | undefined
    if (problems.length === 0) {
      try {
        next = new Map([...shops].map(([id, rules]) => [id, buildEngine(rules, this.fallbacks)]))
      } catch (err) {
        problems.push({ file: this.dir, line: 0, message: `could not compile the rules: ${(err as Error).message}` })
      }
    }
    const status: ReloadStatus = { ok: next !== undefined, at: Date.now(), durationMs: Date.now() - started, problems }
    this.reloads++
    if (next) {
      this.shops = next
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
