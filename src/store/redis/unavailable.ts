import { ERR_STORE_UNAVAILABLE } from '../../errors.js'

/**
 * Anything Redis refuses that a script did not mean as an answer — a lost connection, LOADING, OOM,
 * MOVED from a cluster node to a single-server client, NOPERM from an ACL, and on a cluster
 * CLUSTERDOWN, TRYAGAIN or a redirection that did not settle (the Cluster client retries those a
 * few times first, ../redis/client.ts), or the cluster client not ready — makes the store
 * unavailable: answerable messages are still answered, handoffs and agent replies get 503 and are
 * retried. One rule for the store, the outbox and the channels' state, which share the Redis. The
 * reason is kept as `cause` for the log.
 * @see https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors
 */
export function unavailable (err: unknown): never {
  const message = (err as Error)?.message
  throw message ? Object.assign(new ERR_STORE_UNAVAILABLE(), { cause: message }) : new ERR_STORE_UNAVAILABLE()
}
