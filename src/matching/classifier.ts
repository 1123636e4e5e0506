/**
 * Paraphrase fallback: a classifier from natural over the rules' own examples and keywords, asked only
 * when no keyword rule fired. It answers only above a confidence threshold chosen on the labelled
 * eval set (npm run eval), because a wrong answer costs more than a handoff; below it the message
 * goes to a person as before.
 *
 * natural's tokenizers drop Chinese characters, so the classifier is fed our own tokens: character
 * unigrams and bigrams of the normalised text, Latin/digit runs as whole words. Its package root
 * reads `.env` into process.env and loads database clients, so the one module needed is imported
 * by its path.
 */
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js'
import type { FallbackFactory } from '../engine/engine.js'
import type { CompiledShop } from './compile.js'
import { matchKey } from './normalise.js'
import { BACKGROUND_MESSAGES } from './background.js'

/** The label of "a person should take this": the background messages and every not_example. */
const NONE = 'none'

export interface ClassifierOptions {
  /** share of the probability mass the best intent needs (0–1) */
  threshold?: number
  /** the best intent's share must exceed the runner-up's by this much */
  margin?: number
}

// Chosen on test/fixtures/messages.jsonl and checked on holdout.jsonl (docs/benchmarks.md, "Answer
// quality"): from 0.95 up the classifier's answers on both sets were 8 right to 2 wrong; lower, the
// wrong ones grew faster than the right ones.
export const DEFAULT_THRESHOLD = 0.95
export const DEFAULT_MARGIN = 0.5

const LATIN_RUN = /[a-z0-9]+/y
// Naive Bayes is confident on thin evidence; a guess must share at least two bigrams with what the
// rule was trained on (one shared 你们 or 在哪 made 你们实体店在哪 a shipping question).
const MIN_SHARED_BIGRAMS = 2

/** Character unigrams and bigrams of a match key; a Latin or digit run is one token. */
export function tokens (key: string): string[] {
  const units: string[] = []
  for (let i = 0; i < key.length;) {
    LATIN_RUN.lastIndex = i
    const m = LATIN_RUN.exec(key)
    if (m) { units.push(m[0]); i += m[0].length; continue }
    if (key[i] !== ' ') units.push(key[i]!)
    i++
  }
  const out = new Set(units)
  for (let i = 0; i + 1 < units.length; i++) out.add(units[i]! + units[i + 1]!)
  return [...out]
}

export interface Classification { label: string; score: number; runnerUp: number }

/** A trained model over one shop's entries; exported for the eval and benchmarks. */
export class ParaphraseModel {
  private readonly bayes = new BayesClassifier()
  /** bigrams seen in each label's training text: a guess needs some of them */
  private readonly support = new Map<string, Set<string>>()
  /** token → natural's feature index, so a message is scored on its own tokens only */
  private readonly featureIndex = new Map<string, number>()

  constructor (shop: CompiledShop) {
    const add = (text: string, label: string): void => {
      const t = tokens(matchKey(text))
      if (t.length === 0) return
      this.bayes.addDocument(t, label)
      const s = this.support.get(label) ?? new Set<string>()
      for (const tok of t) if (tok.length >= 2) s.add(tok)
      this.support.set(label, s)
    }
    for (const e of shop.entries) {
      // catalogs answer only with the item read from the text, never on a guess
      if (e.kind === 'catalog') continue
      const label = String(e.index)
      for (const x of e.source.examples) add(x, label)
      for (const k of e.source.keywords) add(String(k), label)
      for (const x of e.source.not_examples) add(x, NONE)
    }
    for (const x of BACKGROUND_MESSAGES) add(x, NONE)
    this.bayes.train()
    // natural numbers features in the enumeration order of its `features` object; a sparse
    // observation (feature indices) gives the same probabilities as its dense vector without
    // walking the whole vocabulary per message
    let i = 0
    for (const f in this.bayes.features) this.featureIndex.set(f, i++)
  }

  classify (key: string): Classification | undefined {
    const t = tokens(key)
    if (t.length === 0) return undefined
    const sparse: Record<number, number> = {}
    let n = 0
    for (const tok of t) {
      const f = this.featureIndex.get(tok)
      if (f !== undefined) sparse[n++] = f
    }
    if (n === 0) return undefined
    const ranked = this.bayes.classifier.getClassifications(sparse)
    const total = ranked.reduce((a, r) => a + r.value, 0)
    if (!(total > 0) || ranked.length === 0) return undefined
    const best = ranked[0]!
    const support = this.support.get(best.label)
    const shared = support ? t.filter((tok) => support.has(tok)).length : 0
    if (shared < MIN_SHARED_BIGRAMS) return { label: NONE, score: 1, runnerUp: 0 }
    return { label: best.label, score: best.value / total, runnerUp: (ranked[1]?.value ?? 0) / total }
  }
}

export function classifierFallback (opts: ClassifierOptions = {}): FallbackFactory {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD
  const margin = opts.margin ?? DEFAULT_MARGIN
  return (shop) => {
    if (!shop.entries.some((e) => e.kind !== 'catalog' && e.source.examples.length > 0)) return undefined
    const model = new ParaphraseModel(shop)
    return {
      classify (key) {
        const c = model.classify(key)
        if (!c || c.label === NONE || c.score < threshold || c.score - c.runnerUp < margin) return undefined
        return { entryIndex: Number(c.label), score: Math.round(c.score * 1000) / 1000, method: 'classifier' }
      }
    }
  }
}
