-- Where an outgoing message stands, as the outbox's sender reports it. Once 'sent' it stays sent:
-- a slow sender's late 'failed' or 'queued' (another instance took over and delivered) must not
-- tell the agent the buyer never got it.
-- KEYS[1] <base>delivery:<messageId>  ARGV[3] delivery JSON  ARGV[4] TTL ms (the history's)
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).status == 'sent' then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
