/**
 * Vitest global setup: the ports and directory of this run's local Redis Cluster
 * (test/helpers/local-cluster.ts). Nothing starts here: the first test that needs the cluster
 * starts it (test/helpers/redis.ts `clusterStores`), so runs without cluster tests pay nothing, and
 * the teardown stops it if it was started. With REDIS_CLUSTER_NODES set, the tests use that
 * cluster instead and start or stop nothing.
 */
import type { TestProject } from 'vitest/node'
import { clusterDir, freeClusterPorts, stopCluster, sweepStaleClusters } from './helpers/local-cluster.js'

export interface ClusterRun { seeds?: string; dir?: string; ports?: number[] }

declare module 'vitest' {
  export interface ProvidedContext { redisCluster: ClusterRun }
}

export default async function setup (project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.REDIS_CLUSTER_NODES
  if (external) {
    project.provide('redisCluster', { seeds: external })
    return async () => {}
  }
  await sweepStaleClusters()
  const dir = clusterDir()
  const ports = await freeClusterPorts()
  project.provide('redisCluster', { dir, ports })
  return async () => { await stopCluster(dir) }
}
