/**
 * A shop's compiled rules, ready to answer: the automaton, the business hours and, when trained,
 * the paraphrase classifier. Built once per (re)load and swapped in whole; the first load of the
 * service builds them lazily: `compiled` (and the fallbacks made from it) on first use.
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
  /** false while a lazily built engine (EngineOptions.lazy) has not been compiled yet */
  isCompiled?: () => boolean
}

export interface EngineOptions {
  typos?: TypoMode
  /**
   * compile on first use (a message, an explanation, an example run) rather than now: the first load
   * of 1,000 shops need not wait for 1,000 compiles (~4 ms and ~1 MB each for a shop that shares no
   * file), and a shop that gets no message costs its rules only
   */
  lazy?: boolean
}

/** `saved`: what a fallback of this factory saved elsewhere (Fallback.save), to restore instead of learning again */
export type FallbackFactory = (compiled: CompiledShop, saved?: unknown) => Fallback | undefined

export function buildEngine (rules: ShopRules, fallbackFactories: FallbackFactory[] = [], opts: EngineOptions = {}, saved: unknown[] = []): ShopEngine {
  const typos = opts.typos ?? 'latin'
  let built: { compiled: CompiledShop; fallbacks: Fallback[]; made: Array<Fallback | undefined> } | undefined
  const build = (): NonNullable<typeof built> => {
    if (built) return built
    const compiled = compileShop(rules)
    // homophones are corrected with an automaton built on first use: built here, with the rest, when
    // they are on, so that no buyer's message pays for it
    if (typos === 'all') void compiled.typos.automaton
    const made = fallbackFactories.map((f, i) => f(compiled, saved[i]))
    built = { compiled, made, fallbacks: made.filter((f): f is Fallback => f !== undefined) }
    return built
  }
  if (!opts.lazy) build()
  return {
    shopId: rules.shopId,
    timeZone: rules.hours?.timezone ?? DEFAULT_TIME_ZONE,
    rules,
    get compiled () { return build().compiled },
    hours: rules.hours ? compileHours(rules.hours) : undefined,
    get fallbacks () { return build().fallbacks },
    get made () { return build().made },
    typos,
    isCompiled: () => built !== undefined
  }
}
