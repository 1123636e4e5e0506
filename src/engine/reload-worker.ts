/**
 * The reload worker: loads, validates and checks a rules directory off the main thread (see
 * src/engine/validate.ts) and posts back the changed shops' rules and the verdict. The main thread
 * then only compiles what was proven good. It also runs the start-up check of the serving shops'
 * examples (`check`), which would otherwise hold up start-up by ~25 ms a shop.
 */
import type { TypoMode } from '../matching/typos.js'
import { parentPort } from 'node:worker_threads'
import { checkShops, validateRules } from './validate.js'
import { loadRulesDir, type RuleLimits, type RuleProblem } from '../rules/load.js'
import type { ShopRules } from '../rules/schema.js'
import { classifierFallback } from '../matching/classifier.js'
import { ruleKey } from '../matching/compile.js'
import { syllables } from '../matching/typos.js'
import { contentOf } from '../matching/shared.js'

interface Common {
  id: number
  classifier: boolean
  typos: TypoMode
}

export interface ReloadRequest extends Common {
  kind: 'reload'
  dir: string
  limits?: RuleLimits
  acceptWarnings: boolean
  /** digest of each serving shop */
  serving: Array<[string, string | undefined]>
  /** failure keys of the serving shops whose examples were checked */
  baselines: Array<[string, string[]]>
  /** serving rules of changed shops not checked yet (sent when the worker asked for them) */
  previous: Array<[string, ShopRules]>
  /** only these shops' folders changed (the watcher's word); absent: any may have */
  only?: string[]
}

export interface CheckRequest extends Common {
  kind: 'check'
  shops: ShopRules[]
}

export type WorkerRequest = ReloadRequest | CheckRequest

export interface WorkerReply {
  id: number
  ok: boolean
  shops: Array<[string, ShopRules]>
  removed: string[]
  problems: RuleProblem[]
  warnings: RuleProblem[]
  failing: Array<[string, string[]]>
  needPrevious?: string[]
  error?: string
  /** per changed shop, the digest of its texts (contentOf does not travel with the rules) */
  contents?: Array<[string, string]>
  /** the normalised words and pinyin worked out here, so the main thread's compile need not redo them */
  keys?: Array<[string, string]>
  pinyin?: Array<[string, string[]]>
  /** per changed shop, what its fallbacks learnt (the classifier's training), in the factories' order */
  models?: Array<[string, unknown[]]>
}

async function handle (req: WorkerRequest): Promise<WorkerReply> {
  const fallbacks = req.classifier ? [classifierFallback()] : []
  const engine = { typos: req.typos }
  if (req.kind === 'check') {
    const checked = checkShops(req.shops, { fallbacks, engine })
    return { id: req.id, ok: true, shops: [], removed: [], problems: [], warnings: checked.flatMap((c) => c.warnings), failing: checked.map((c) => [c.shopId, c.failing]) }
  }
  const baselines = new Map(req.baselines.map(([shop, keys]) => [shop, new Set(keys)]))
  const keys = ruleKey.record()
  const pinyin = syllables.record()
  const v = await validateRules(req.dir, (d, only) => loadRulesDir(d, req.limits, only), {
    ...(req.only ? { only: new Set(req.only) } : {}),
    fallbacks,
    engine,
    acceptWarnings: req.acceptWarnings,
    first: false,
    serving: new Map(req.serving),
    baseline: (shop) => baselines.get(shop),
    previous: new Map(req.previous)
  })
  const worked = { keys: keys(), pinyin: pinyin() }
  return {
    id: req.id,
    ok: v.engines !== undefined,
    shops: [...v.shops],
    removed: v.removed,
    problems: v.problems,
    warnings: v.warnings,
    failing: [...v.failing].map(([shop, keys]) => [shop, [...keys]]),
    ...(v.needPrevious ? { needPrevious: v.needPrevious } : {}),
    contents: [...v.shops].flatMap(([id, rules]) => { const c = contentOf.get(rules); return c ? [[id, c] as [string, string]] : [] }),
    // only when something will be compiled: a reload of 1,000 unchanged shops sends nothing
    ...(v.shops.size > 0 ? worked : {}),
    // trained here, restored there: classifier training off the event loop (~0.3-2 s for 2,000 rules)
    ...(req.classifier && v.engines ? { models: [...v.engines].map(([id, e]) => [id, (e.made ?? []).map((f) => f?.save?.())] as [string, unknown[]]) } : {})
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  handle(req).then((reply) => parentPort!.postMessage(reply), (err: Error) => {
    parentPort!.postMessage({ id: req.id, ok: false, shops: [], removed: [], problems: [], warnings: [], failing: [], error: err.message } satisfies WorkerReply)
  })
})
