/** Fills `{name}` placeholders in operator-written replies; unknown placeholders stay visible. */
export function renderTemplate (template: string, vars: Record<string, string | number | undefined>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const v = vars[name]
    return v === undefined ? whole : String(v)
  })
}
