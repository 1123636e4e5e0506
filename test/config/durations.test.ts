import { describe, it, expect } from 'vitest'
import { loadConfig } from '../../src/config.js'

describe('durations in the environment', () => {
  it('durations with a unit are read as milliseconds', () => {
    expect(loadConfig({ CLAIM_TIMEOUT: '30s' }).CLAIM_TIMEOUT).toBe(30_000)
    expect(loadConfig({ CLAIM_TIMEOUT: '1500ms' }).CLAIM_TIMEOUT).toBe(1500)
    expect(loadConfig({}).CLAIM_TIMEOUT).toBe(120_000)
  })
})
