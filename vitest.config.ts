import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one real Redis; each uses its own random key prefix.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // a real local Redis Cluster for the cluster tests, started by the first of them (test/cluster-setup.ts)
    globalSetup: ['test/cluster-setup.ts']
  }
})
