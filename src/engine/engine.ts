/**
 * A shop's compiled rules, ready to answer: the automaton, the business hours and, when trained,
 * the paraphrase classifier. Built once per (re)load and swapped in whole.
 */
import type { TypoMode } from '../matching/typos.js'
import type { ShopRules } from '../rules/schema.js'
import { compileShop, type CompiledShop } from '../matching/compile.js'
import { compileHours, type CompiledHours } from './hours.js'

export interface Fallback {
  /** best intent entry for a message no keyword rule answered, or undefined below the threshold */
  classify (key: string): { entryIndex: number; score: number; method: 'classifier' | 'pinyin' } | undefined
  /** what was learnt, as data: the reload worker trains, the main thread restores (see buildEngine) */
  save? (): unknown
}

/** Chinese shops keep Beijing time; a shop without `hours` counts its days there too. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

export interface ShopEngine {
  shopId: string
  /** the shop's time zone (`hours.timezone`): business hours and the days of the unanswered list */
  timeZone: string
  rules: ShopRules
  compiled: CompiledShop
  hours?: CompiledHours
  fallbacks: Fallback[]
  /** which typos to correct when nothing fired (TYPOS) */
  typos: TypoMode
  /** what each fallback factory made, in the factories' order (undefined: it declined), to save them */
  made?: Array<Fallback | undefined>
}

export interface EngineOptions { typos?: TypoMode }

/** `saved`: what a fallback of this factory saved elsewhere (Fallback.save), to restore instead of learning again */
export type FallbackFactory = (compiled: CompiledShop, saved?: unknown) => Fallback | undefined

export function buildEngine (rules: ShopRules, fallbackFactories: FallbackFactory[] = [], opts: EngineOptions = {}, saved: unknown[] = []): ShopEngine {
  const compiled = compileShop(rules)
  // homophones are corrected with an automaton built on first use: built here, with the rest, when
  // they are on, so that no buyer's message pays for it
  if ((opts.typos ?? 'latin') === 'all') void compiled.typos.automaton
  const made = fallbackFactories.map((f, i) => f(compiled, saved[i]))
  return {
    shopId: rules.shopId,
    timeZone: rules.hours?.timezone ?? DEFAULT_TIME_ZONE,
    rules,
    compiled,
    hours: rules.hours ? compileHours(rules.hours) : undefined,
    fallbacks: made.filter((f): f is Fallback => f !== undefined),
    made,
    typos: opts.typos ?? 'latin'
  }
}
