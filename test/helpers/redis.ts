/**
 * The tests' use of the one real Redis and of this run's local Redis Cluster: a random key prefix
 * per test, removed with SCAN after it (the server is shared with other tests; on the cluster, on
 * every master), connected production clients, and the stores to run a test on each way.
 */
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { Cluster, Redis } from 'ioredis'
import { createClusterClient, createEmbeddedStore, createRedisClient, createRedisStore, type Store } from '../../src/store/index.js'
import { loadConfig } from '../../src/config.js'
import { clusterReady, startCluster } from './local-cluster.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function newPrefix (): string {
  return `test:${randomUUID()}:`
}

/** SCAN, not KEYS: the server is shared with other tests and must not be blocked. On a cluster, per master. */
async function scanEach (r: Redis, prefix: string, each: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length) await each(keys)
  } while (cursor !== '0')
}

export async function deleteKeys (prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return
  const r = new Redis(REDIS_URL)
  try {
    for (const p of prefixes) await scanEach(r, p, (keys) => r.unlink(...keys))
  } finally {
    r.disconnect()
  }
}

export async function keysUnder (prefix: string): Promise<string[]> {
  const r = new Redis(REDIS_URL)
  try {
    const found: string[] = []
    await scanEach(r, prefix, async (keys) => { found.push(...keys) })
    return found
  } finally {
    r.disconnect()
  }
}

/**
 * Fresh key prefixes, each removed by `remove` after the test that took it, and once more after the
 * file: the apps of test/helpers/build.ts close in an afterEach registered before this one, so it runs
 * after it (vitest runs after-hooks last-registered first), and an app's outbox consumer may recreate its
 * stream in between; the second sweep, with every app closed, leaves nothing on the shared server.
 */
function prefixesRemovedBy (remove: (prefixes: string[]) => Promise<unknown>): () => string {
  const prefixes: string[] = []
  const taken: string[] = []
  afterEach(async () => { await remove(prefixes.splice(0)) })
  afterAll(async () => { await remove(taken.splice(0)) })
  return () => {
    const p = newPrefix()
    prefixes.push(p)
    taken.push(p)
    return p
  }
}

/** A fresh Redis key prefix for this test, deleted after it. Call at module level to register cleanup. */
export function redisPrefixes (): () => string {
  return prefixesRemovedBy(deleteKeys)
}

/**
 * The service's own client (no offline queue, so it fails fast while disconnected), returned once
 * connected: before 'ready' its commands would be refused rather than queued.
 */
export async function readyClient (url = REDIS_URL): Promise<Redis> {
  const redis = createRedisClient(url)
  if (redis.status !== 'ready') await once(redis, 'ready')
  return redis
}

/** For describe.each: [name, env for build()] of each store. */
export function bothStores () {
  const prefix = redisPrefixes()
  return [
    ['embedded', (): Record<string, string> => ({})],
    ['redis', (): Record<string, string> => ({ REDIS_URL, REDIS_PREFIX: prefix() })]
  ] as const
}

/** For describe.each over the stores themselves (no app): each call makes a fresh store, closed after the test. */
export function storeFactories (): Array<[string, () => Promise<Store>]> {
  const prefix = redisPrefixes()
  const clients: Redis[] = []
  afterEach(() => { for (const c of clients.splice(0)) c.disconnect() })
  return [
    ['embedded', async () => createEmbeddedStore()],
    ['redis', async () => {
      const redis = await readyClient()
      clients.push(redis)
      return createRedisStore({ redis, prefix: prefix() })
    }]
  ]
}

// --- the Redis Cluster (test/cluster-setup.ts chose its ports; the first test needing it starts it) ---

let started: Promise<string> | undefined

/**
 * REDIS_CLUSTER_NODES of this run's cluster, started if it does not answer yet. Several test files
 * (worker processes) may ask at once: the one that creates the lock file starts it, the others
 * wait for cluster_state:ok.
 */
export function clusterSeeds (): Promise<string> {
  started ??= (async () => {
    const run = inject('redisCluster')
    if (run.seeds) return run.seeds
    const ports = run.ports!
    const seeds = ports.map((p) => `127.0.0.1:${p}`).join(',')
    if (await clusterReady(ports)) return seeds
    await mkdir(run.dir!, { recursive: true })
    const lock = await open(join(run.dir!, 'starting'), 'wx').catch(() => null)
    if (lock) {
      await lock.close()
      await startCluster(run.dir!, ports)
    } else {
      const end = Date.now() + 30_000
      while (!(await clusterReady(ports))) {
        if (Date.now() > end) throw new Error('the local Redis Cluster another test file was starting did not become ready in 30 s')
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    return seeds
  })()
  return started
}

/** The seeds once known (after clusterSeeds() resolved, e.g. in a test after `usesCluster()`). */
let knownSeeds = ''
/** Registers a beforeAll that starts (or finds) the cluster; call at module level. */
export function usesCluster (): () => string {
  beforeAll(async () => { knownSeeds = await clusterSeeds() }, 60_000)
  return () => knownSeeds
}

/** The service's own cluster client, returned once it has the slots map. */
export async function readyClusterClient (seeds?: string): Promise<Cluster> {
  const nodes = loadConfig({ REDIS_CLUSTER_NODES: seeds ?? await clusterSeeds() }).REDIS_CLUSTER_NODES!
  const c = createClusterClient(nodes)
  if (c.status !== 'ready') await once(c, 'ready')
  return c
}

/** Every key under the prefixes, on every master of the cluster (SCAN is per node on a cluster). */
export async function deleteClusterKeys (prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return
  const c = await readyClusterClient()
  try {
    for (const node of c.nodes('master')) {
      // UNLINK one key each: a node refuses a multi-key command over several slots (CROSSSLOT)
      for (const p of prefixes) await scanEach(node, p, (keys) => node.pipeline(keys.map((k) => ['unlink', k])).exec())
    }
  } finally {
    c.disconnect()
  }
}

/** Keys under a prefix on every master (for assertions about where a shop's keys live). */
export async function clusterKeysUnder (prefix: string): Promise<Array<{ node: string; key: string }>> {
  const c = await readyClusterClient()
  try {
    const found: Array<{ node: string; key: string }> = []
    for (const node of c.nodes('master')) {
      await scanEach(node, prefix, async (keys) => { for (const key of keys) found.push({ node: `${node.options.host}:${node.options.port}`, key }) })
    }
    return found
  } finally {
    c.disconnect()
  }
}

/** A fresh key prefix on the cluster for this test, deleted after it. Call at module level. */
export function clusterPrefixes (): () => string {
  return prefixesRemovedBy(deleteClusterKeys)
}

/**
 * bothStores() and the cluster: [name, env for build()] of the embedded store, one Redis and a
 * Redis Cluster, for the tests that must hold on a cluster too (call at module level).
 */
export function allStores () {
  const seeds = usesCluster()
  const prefix = clusterPrefixes()
  return [
    ...bothStores(),
    ['redis-cluster', (): Record<string, string> => ({ REDIS_CLUSTER_NODES: seeds(), REDIS_PREFIX: prefix() })]
  ] as const
}

/** storeFactories() and a store on the cluster. */
export function allStoreFactories (): Array<[string, () => Promise<Store>]> {
  usesCluster()
  const prefix = clusterPrefixes()
  const clients: Cluster[] = []
  afterEach(() => { for (const c of clients.splice(0)) c.disconnect() })
  return [
    ...storeFactories(),
    ['redis-cluster', async () => {
      const redis = await readyClusterClient()
      clients.push(redis)
      return createRedisStore({ redis, prefix: prefix() })
    }]
  ]
}
