/** Fills `{name}` placeholders in operator-written replies; unknown placeholders stay visible. */
import { memo } from '../matching/shared.js'

const PLACEHOLDER = /\{([a-z_]+)\}/g

/**
 * A template split once into its text and placeholder names, alternating (text, name, text, ...,
 * text): rendering is then a walk over the parts, where a regex scan of every reply was a third of
 * answering a size question. Templates are rule text (replies, holding replies, quick replies), so
 * the memo stays the size of the rules; it is bounded all the same.
 */
const partsOf = memo((template: string): readonly string[] => {
  const parts: string[] = []
  let last = 0
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index), m[1]!)
    last = m.index + m[0].length
  }
  parts.push(template.slice(last))
  return parts
}, 10_000)

export function renderTemplate (template: string, vars: Record<string, string | number | undefined>): string {
  if (!template.includes('{')) return template
  const parts = partsOf(template)
  if (parts.length === 1) return template
  let out = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!
    // own properties only: {constructor} in a reply is text, not Object's constructor
    const v = Object.hasOwn(vars, name) ? vars[name] : undefined
    out += (v === undefined ? `{${name}}` : String(v)) + parts[i + 1]!
  }
  return out
}
