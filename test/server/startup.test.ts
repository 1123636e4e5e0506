/** Start-up as an operator meets it (issue #14): a mistyped variable names itself and the form expected. */
import { describe, it, expect } from 'vitest'
import { runServiceToExit } from '../helpers/child.js'
import { MINI_RULES } from '../helpers/build.js'

describe('start-up errors', () => {
  it('CLAIM_TIMEOUT=30000 stops start-up with the expected form and no stack trace', async () => {
    const { code, output } = await runServiceToExit({ RULES_DIR: MINI_RULES, CLAIM_TIMEOUT: '30000' })
    expect(code).toBe(1)
    expect(output).toContain('CLAIM_TIMEOUT: expected a duration with a unit, like 30s, 2m, 1h or 1500ms (got "30000")')
    expect(output).not.toMatch(/^\s+at /m)
   }, 90_000)

  it('a malformed REDIS_CLUSTER_NODES stops start-up with its code, the seed and the form', async () => {
    const { code, output } = await runServiceToExit({ RULES_DIR: MINI_RULES, REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-2' })
    expect(code).toBe(1)
    expect(output).toContain('AR_ERR_CONFIG_INVALID: Invalid environment:')
    expect(output).toContain('REDIS_CLUSTER_NODES: expected comma-separated host:port seeds, like 10.0.0.1:7000,10.0.0.2:7000 ([::1]:7000 for IPv6); "redis-2" is not one')
    expect(output).not.toMatch(/^\s+at /m)
  }, 90_000)
})
