/** Paraphrase fallback (placeholder until trained; see issue 3). */
import type { FallbackFactory } from '../engine/engine.js'

export function classifierFallback (_opts: { threshold?: number } = {}): FallbackFactory {
  return () => undefined
}
