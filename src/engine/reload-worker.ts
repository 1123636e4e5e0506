/**
 * The reload worker: loads, validates and checks a rules directory off the main thread (see
 * src/engine/validate.ts) and posts back the parsed rules and the verdict. The main thread then
 * only compiles what was proven good.
 */
import type { TypoMode } from '../matching/typos.js'
import { parentPort } from 'node:worker_threads'
import { validateRules } from './validate.js'
import { loadRulesDir, type RuleLimits } from '../rules/load.js'
import { classifierFallback } from '../matching/classifier.js'

export interface WorkerRequest {
  id: number
  dir: string
  limits?: RuleLimits
  classifier: boolean
  typos: TypoMode
  acceptWarnings: boolean
  first: boolean
  failing: string[]
}

export interface WorkerReply {
  id: number
  ok: boolean
  shops: Array<[string, unknown]>
  problems: unknown[]
  warnings: unknown[]
  failing: string[]
  error?: string
}

parentPort!.on('message', (req: WorkerRequest) => {
  validateRules(req.dir, (d) => loadRulesDir(d, req.limits), {
    fallbacks: req.classifier ? [classifierFallback()] : [],
    engine: { typos: req.typos },
    acceptWarnings: req.acceptWarnings,
    first: req.first,
    failing: new Set(req.failing)
  }).then((v) => {
    const reply: WorkerReply = { id: req.id, ok: v.engines !== undefined, shops: [...v.shops], problems: v.problems, warnings: v.warnings, failing: [...v.failing] }
    parentPort!.postMessage(reply)
  }, (err: Error) => {
    parentPort!.postMessage({ id: req.id, ok: false, shops: [], problems: [], warnings: [], failing: [], error: err.message } satisfies WorkerReply)
  })
})
