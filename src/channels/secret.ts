/**
 * A credential read from a settings file or the environment. Its value leaves only through
 * `reveal()`: JSON, string conversion and util.inspect print a placeholder, so a rule set, a config
 * object or an error that carries one can be logged without leaking it.
 */
import { inspect } from 'node:util'

const HIDDEN = '[secret]'

export class Secret {
  readonly #value: string
  constructor (value: string) { this.#value = value }
  reveal (): string { return this.#value }
  toJSON (): string { return HIDDEN }
  toString (): string { return HIDDEN }
  [inspect.custom] (): string { return HIDDEN }
}
