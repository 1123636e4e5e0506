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
import { ruleKey } from './compile.js'
import { BACKGROUND_MESSAGES } from './background.js'
import { FUNCTION_CHARS } from './typos.js'

/** The label of "a person should take this": the background messages and every not_example. */
const NONE = 'none'

export interface ClassifierOptions {
  /** share of the probability mass the best intent needs (0–1) */
  threshold?: number
  /** the best intent's share must exceed the runner-up's by this much */
  margin?: number
}

// Chosen on the realistic dev set (test/fixtures/realistic/dev.jsonl, 1,120 messages, 71% for a person),
// where wrong answers cost more than handoffs: the classifier's own answers were 8 right / 2 wrong at
// 0.6, 4 / 1 from 0.8 to 0.9, 4 / 0 at 0.95 (and on the three older sets 5 / 1 at 0.95). It is asked
// only when no keyword fired and the clause reading finds a question that is nobody's own case, and it
// abstains on fragments and when the message has no content character of the intent's keywords.
export const DEFAULT_THRESHOLD = 0.95
export const DEFAULT_MARGIN = 0.5

const LATIN_RUN = /[a-z0-9]+/y
// Naive Bayes is confident on thin evidence; a guess must share at least two bigrams with what the
// rule was trained on (one shared 你们 or 在哪 made 你们实体店在哪 a shipping question).
const MIN_SHARED_BIGRAMS = 2
// A fragment ("呢?", "那个") is no question of any intent: the classifier abstains below this length.
const MIN_CHARS = 4
const HAN = /\p{Script=Han}/u

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

export interface Classification {
  /** the intent, or "none" */
  label: string
  score: number
  runnerUp: number
  /** the entry of that intent sharing the most bigrams with the message */
  entryIndex?: number
  /** how many bigrams it shares */
  shared: number
}

/** A trained model as data: trained in the reload worker, sent to the main thread, restored there. */
export interface SavedModel {
  bayes: object
  featureIndex: Map<string, number>
  bigramEntries: Map<string, number[]>
  intentOf: Map<number, string>
  priorityOf: Map<number, number>
  contentOf: Map<string, Set<string>>
}

/**
 * A trained model over one shop's entries; exported for the eval and benchmarks.
 *
 * The classes are intents, not rules: a shop has a handful of intents however many rules it has, so
 * classifying costs the same with 20 rules or 10,000, and the probability is not spread over rules
 * that say the same thing. Within the chosen intent, the rule sharing the most bigrams answers.
 * Training feeds natural's model sparse observations (feature indices): its own loop builds a dense
 * vector over the whole vocabulary per document, which took seconds for thousands of rules.
 */
export class ParaphraseModel {
  private readonly bayes = new BayesClassifier()
  private readonly featureIndex: Map<string, number> = new Map()
  /** bigram → entries whose training text has it */
  private readonly bigramEntries: Map<string, number[]> = new Map()
  private readonly intentOf: Map<number, string> = new Map()
  private readonly priorityOf: Map<number, number> = new Map()
  /** per intent, the content characters of its keywords: a guess needs one of them in the message */
  private readonly contentOf: Map<string, Set<string>> = new Map()

  /** `saved`: a model trained elsewhere (the reload worker), restored instead of trained again */
  constructor (shop: CompiledShop, saved?: SavedModel) {
    if (saved) {
      // natural's model as data, given its prototype back (what its own restore() does)
      Object.setPrototypeOf(saved.bayes, Object.getPrototypeOf(this.bayes.classifier))
      this.bayes.classifier = saved.bayes as typeof this.bayes.classifier
      Object.assign(this, { featureIndex: saved.featureIndex, bigramEntries: saved.bigramEntries, intentOf: saved.intentOf, priorityOf: saved.priorityOf, contentOf: saved.contentOf })
      return
    }
    const model = this.bayes.classifier
    const add = (text: string, label: string, entry?: number): void => {
      // rule text and the background messages, normalised once per process (src/matching/shared.ts)
      const t = tokens(ruleKey(text))
      if (t.length === 0) return
      const sparse: Record<number, number> = {}
      t.forEach((tok, i) => {
        let f = this.featureIndex.get(tok)
        if (f === undefined) this.featureIndex.set(tok, (f = this.featureIndex.size))
        sparse[i] = f
        if (entry !== undefined && tok.length >= 2) {
          const list = this.bigramEntries.get(tok)
          if (!list) this.bigramEntries.set(tok, [entry])
          else if (list.at(-1) !== entry) list.push(entry)
        }
      })
      model.addExample(sparse, label)
    }
    for (const e of shop.entries) {
      // catalogs answer only with the item read from the text, never on a guess
      if (e.kind === 'catalog') continue
      this.intentOf.set(e.index, e.intent)
      this.priorityOf.set(e.index, e.priority)
      for (const x of e.source.examples) add(x, e.intent, e.index)
      for (const k of e.source.keywords) add(String(k), e.intent, e.index)
      const content = this.contentOf.get(e.intent) ?? new Set<string>()
      for (const k of e.source.keywords) for (const ch of ruleKey(String(k))) if (HAN.test(ch) && !FUNCTION_CHARS.has(ch)) content.add(ch)
      this.contentOf.set(e.intent, content)
      for (const x of e.source.not_examples) add(x, NONE)
    }
    for (const x of BACKGROUND_MESSAGES) add(x, NONE)
    model.train()
  }

  /** the trained model as plain data (structured-cloneable), for `new ParaphraseModel(shop, saved)` */
  save (): SavedModel {
    return { bayes: this.bayes.classifier, featureIndex: this.featureIndex, bigramEntries: this.bigramEntries, intentOf: this.intentOf, priorityOf: this.priorityOf, contentOf: this.contentOf }
  }

  /** True when the message has a content character of the intent's keywords ("电话号码呢" has none of size's). */
  hasContentWord (intent: string, key: string): boolean {
    const content = this.contentOf.get(intent)
    if (!content) return false
    for (const ch of key) if (content.has(ch)) return true
    return false
  }

  classify (key: string): Classification | undefined {
    const t = tokens(key)
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
    const result: Classification = { label: best.label, score: best.value / total, runnerUp: (ranked[1]?.value ?? 0) / total, shared: 0 }
    if (best.label === NONE) return result
    // the rule of that intent with the most bigrams in common (then priority, then file order)
    const shared = new Map<number, number>()
    for (const tok of t) {
      for (const e of this.bigramEntries.get(tok) ?? []) if (this.intentOf.get(e) === best.label) shared.set(e, (shared.get(e) ?? 0) + 1)
    }
    for (const [e, count] of shared) {
      const cur = result.entryIndex
      if (cur === undefined || count > result.shared || (count === result.shared && (this.priorityOf.get(e)! > this.priorityOf.get(cur)! || (this.priorityOf.get(e) === this.priorityOf.get(cur) && e < cur)))) {
        result.entryIndex = e
        result.shared = count
      }
    }
    return result
  }
}

// Shops compiled from the same texts share their compiled core (src/matching/compile.ts), and a
// model trained on one of them is the model of all of them: trained once, held while they are.
const trained = new WeakMap<object, ParaphraseModel>()

export function classifierFallback (opts: ClassifierOptions = {}): FallbackFactory {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD
  const margin = opts.margin ?? DEFAULT_MARGIN
  return (shop, saved) => {
    if (!shop.entries.some((e) => e.kind !== 'catalog' && e.source.examples.length > 0)) return undefined
    let model = trained.get(shop.core)
    if (!model) {
      model = new ParaphraseModel(shop, saved as SavedModel | undefined)
      trained.set(shop.core, model)
    }
    const m = model
    return {
      classify (key) {
        if ([...key].length < MIN_CHARS) return undefined
        const c = m.classify(key)
        if (!c || c.label === NONE || c.entryIndex === undefined || c.shared < MIN_SHARED_BIGRAMS) return undefined
        if (!m.hasContentWord(c.label, key)) return undefined
        if (c.score < threshold || c.score - c.runnerUp < margin) return undefined
        return { entryIndex: c.entryIndex, score: Math.round(c.score * 1000) / 1000, method: 'classifier' }
      },
      save: () => m.save()
    }
  }
}
