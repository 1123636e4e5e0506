-- delivery: where an outgoing message stands, as the outbox's sender reports it. Once 'sent' it
-- stays sent: a slow sender's late 'failed' or 'queued' (another instance took over and delivered)
-- must not tell the agent the buyer never got it.
--
-- Input:
--   KEYS[1]  <base>delivery:<messageId>      the delivery record
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  delivery JSON                   {status, at, attempts, ...}
--   ARGV[4]  TTL ms                          the history's
-- Output:
--   1 recorded, 0 left as it was (already sent)
-- Keys: KEYS[1] only.
local delivery_key = KEYS[1]
local delivery_json, ttl = ARGV[3], ARGV[4]
local current = redis.call('GET', delivery_key)
if current and cjson.decode(current).status == 'sent' then return 0 end
redis.call('SET', delivery_key, delivery_json, 'PX', ttl)
return 1
