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
}

export interface EngineOptions { typos?: TypoMode }

export type FallbackFactory = (compiled: CompiledShop) => Fallback | undefined

export function buildEngine (rules: ShopRules, fallbackFactories: FallbackFactory[] = [], opts: EngineOptions = {}): ShopEngine {
  const compiled = compileShop(rules)
  // homophones are corrected with an automaton built on first use: built here, with the rest, when
  // they are on, so that no buyer's message pays for it
  if ((opts.typos ?? 'latin') === 'all') void compiled.typos.automaton
  return {
    shopId: rules.shopId,
    timeZone: rules.hours?.timezone ?? DEFAULT_TIME_ZONE,
    rules,
    compiled,
    hours: rules.hours ? compileHours(rules.hours) : undefined,
    fallbacks: fallbackFactories.map((f) => f(compiled)).filter((f): f is Fallback => f !== undefined),
    typos: opts.typos ?? 'latin'
  }
}
