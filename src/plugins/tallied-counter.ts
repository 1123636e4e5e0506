/**
 * A labelled Prometheus counter for the webhook's per-message counts: increments are tallied in a
 * Map by their label values and handed to prom-client when the registry is read (its `collect`).
 * prom-client's own inc() sorts, joins and validates the label object on every call, and a message
 * makes three to five of them: recording an outcome that way cost ~4% of the webhook's req/s
 * (bench/http, docs/benchmarks.md). /metrics prints the same series and values either way.
 */
import { Counter, type Registry } from 'prom-client'

export interface TalliedCounterConfig<L extends string> {
  name: string
  help: string
  labelNames: readonly L[]
  registers: Registry[]
}

export class TalliedCounter<L extends string> {
  readonly counter: Counter<L>
  /** label values joined by NUL → the labels and the count not yet handed to prom-client */
  private readonly pending = new Map<string, { labels: Record<L, string>; n: number }>()
  private readonly names: readonly L[]

  constructor (config: TalliedCounterConfig<L>) {
    this.names = config.labelNames
    const pending = this.pending
    this.counter = new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: config.registers,
      collect (this: Counter<L>) {
        for (const { labels, n } of pending.values()) this.inc(labels, n)
        pending.clear()
      }
    })
  }

  /** one more, for these label values in the order of `labelNames` */
  add (...values: string[]): void {
    const key = values.join('\u0000')
    const p = this.pending.get(key)
    if (p) { p.n++; return }
    const labels = {} as Record<L, string>
    this.names.forEach((name, i) => { labels[name] = values[i]! })
    this.pending.set(key, { labels, n: 1 })
  }
}
