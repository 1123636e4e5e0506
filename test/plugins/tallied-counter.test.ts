/**
 * The webhook's counters tally in a Map and hand the counts to prom-client when the registry is
 * read: /metrics must print what prom-client's own inc() would have, series for series, and count
 * nothing twice across reads.
 */
import { describe, it, expect } from 'vitest'
import { Counter, Registry } from 'prom-client'
import { TalliedCounter } from '../../src/plugins/tallied-counter.js'

describe('TalliedCounter', () => {
  it('prints the series and values prom-client would, and counts each increment once across reads', async () => {
    const tallied = new Registry()
    const direct = new Registry()
    const t = new TalliedCounter({ name: 'x_total', help: 'h', labelNames: ['shop', 'intent', 'method'] as const, registers: [tallied] })
    const c = new Counter({ name: 'x_total', help: 'h', labelNames: ['shop', 'intent', 'method'], registers: [direct] })
    const incs: Array<[string, string, string]> = [['a', 'size', 'keyword'], ['a', 'size', 'keyword'], ['b', 'return', 'typo'], ['a', 'size', 'paraphrase']]
    for (const [shop, intent, method] of incs) { t.add(shop, intent, method); c.inc({ shop, intent, method }) }
    expect(await tallied.metrics()).toBe(await direct.metrics())
    // a second read adds nothing; later increments add to what was handed over
    expect(await tallied.metrics()).toBe(await direct.metrics())
    t.add('b', 'return', 'typo'); c.inc({ shop: 'b', intent: 'return', method: 'typo' })
    expect(await tallied.metrics()).toBe(await direct.metrics())
    expect(await tallied.metrics()).toContain('x_total{shop="b",intent="return",method="typo"} 2')
  })
})
