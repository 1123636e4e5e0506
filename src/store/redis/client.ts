/**
 * The Redis connection the store, the outbox and the channels' state share: one server
 * (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`). Both fail fast while disconnected (a
 * webhook never hangs; answerable messages are still answered) and reconnect forever.
 *
 * Why the rest of the code needs nothing cluster-specific: every key of a shop is under the hash
 * tag `{shop}`, so all of them live on one slot; each Lua script and each pipeline touches one
 * shop, so it runs on one node. The Cluster client sends a command to the node that owns its key's
 * slot, follows MOVED and ASK during a resharding, and reloads a script (EVALSHA → NOSCRIPT →
 * EVAL) on a node that has not seen it. Nothing here blocks (claims poll), subscribes, or scans.
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 */
import { Cluster, Redis } from 'ioredis'

export type RedisClient = Redis | Cluster

export interface ClusterSeed { host: string; port: number }

/** Where the service's Redis is: one server by URL, or the seeds of a cluster. */
export type RedisTarget = { url: string } | { cluster: ClusterSeed[] }

const RECONNECT = (times: number) => Math.min(times * 100, 2000)

/** A client that fails fast while disconnected (so a webhook never hangs) and reconnects forever. */
export function createRedisClient (url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: RECONNECT
  })
}

/**
 * The cluster's client, with the same fail-fast rule. ioredis retries a command on MOVED, ASK,
 * TRYAGAIN and CLUSTERDOWN by itself, up to `maxRedirections` times with 100 ms between the
 * CLUSTERDOWN tries: 6 keeps a webhook caught in a failover under about a second before it gets
 * its degraded answer or 503, which is about how long a replica takes to be promoted.
 */
export function createClusterClient (seeds: ClusterSeed[]): Cluster {
  return new Cluster(seeds, {
    enableOfflineQueue: false,
    maxRedirections: 6,
    clusterRetryStrategy: RECONNECT,
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000 }
  })
}

export function createClient (target: RedisTarget): RedisClient {
  return 'url' in target ? createRedisClient(target.url) : createClusterClient(target.cluster)
}

export function isCluster (client: RedisClient): client is Cluster {
  return client instanceof Cluster
}

/** For logs: where the client points, without credentials. */
export function describeTarget (target: RedisTarget): string {
  if ('cluster' in target) return `Redis Cluster (seeds ${target.cluster.map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`).join(',')})`
  const u = new URL(target.url)
  return `Redis ${u.hostname}:${u.port || 6379}`
}
