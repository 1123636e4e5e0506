/** Where the store's Redis is: REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster's seeds), never both. */
import { describe, it, expect } from 'vitest'
import { loadConfig } from '../../src/config.js'

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env)
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('the environment was accepted')
}

describe('REDIS_CLUSTER_NODES', () => {
  it('reads comma-separated host:port seeds, IPv6 hosts in brackets, spaces around commas ignored', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2.internal:7001,[::1]:7002' }).REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 }, { host: 'redis-2.internal', port: 7001 }, { host: '::1', port: 7002 }
    ])
    expect(loadConfig({}).REDIS_CLUSTER_NODES).toBeUndefined()
  })

  it.each(['redis-1', 'redis://10.0.0.1:7000', '10.0.0.1:0', '10.0.0.1:70000', '10.0.0.1:7000,,10.0.0.2:7000', '::1:7000'])('refuses %j with a coded error naming the variable, the seed and the form', (value) => {
    const err = refusal({ REDIS_CLUSTER_NODES: value })
    expect(err.code).toBe('AR_ERR_CONFIG_INVALID')
    expect(err.message).toContain('REDIS_CLUSTER_NODES: expected comma-separated host:port seeds, like 10.0.0.1:7000,10.0.0.2:7000')
    expect(err.message).toContain(`(got "${value}")`)
  })

  it('with REDIS_URL as well: a coded start-up error, not a guess', () => {
    const err = refusal({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' })
    expect(err.code).toBe('AR_ERR_CONFIG_INVALID')
    expect(err.message).toContain('REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both')
  })
})

describe('REDIS_PREFIX on a cluster', () => {
  it('refuses braces: they would be every key\'s hash tag and put all shops on one slot', () => {
    const err = refusal({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_PREFIX: 'ar:{prod}:' })
    expect(err.code).toBe('AR_ERR_CONFIG_INVALID')
    expect(err.message).toContain('REDIS_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES')
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_PREFIX: 'prod:ar:' }).REDIS_PREFIX).toBe('prod:ar:')
    // one server has one slot space: a prefix kept from before stays accepted there
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'ar:{prod}:' }).REDIS_PREFIX).toBe('ar:{prod}:')
  })
})
