import { ERR_STORE_UNAVAILABLE } from '../../errors.js'

/**
 * Anything Redis refuses that a script did not mean as an answer — a lost connection, LOADING, OOM,
 * MOVED from a cluster node, NOPERM from an ACL — makes the store unavailable: answerable messages
 * are still answered, handoffs and agent replies get 503 and are retried. One rule for the store
 * and the outbox, which share the Redis. The reason is kept as `cause` for the log.
 * @see https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors
 */
export function unavailable (err: unknown): never {
  const message = (err as Error)?.message
  throw message ? Object.assign(new ERR_STORE_UNAVAILABLE(), { cause: message }) : new ERR_STORE_UNAVAILABLE()
}
