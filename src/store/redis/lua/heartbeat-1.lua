-- heartbeat: keeps a claim alive for another claim timeout.
--
-- Input:
--   KEYS[1]  <base>claims                    claim leases (score: when the lease ends)
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  agentId
--   ARGV[5]  claim timeout ms
-- Output:
--   { ticket hash, chat }                    (ticket_reply)
--   error AR_NOT_FOUND / AR_NOT_OWNER        no such open ticket / the agent does not hold it
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local claims_key = KEYS[1]
local id, agent, timeout = ARGV[3], ARGV[4], tonumber(ARGV[5])
settle(timeout)
local err = owned(id, agent)
if err then return err end
local t = base .. 'ticket:' .. id
redis.call('ZADD', claims_key, now + timeout, id)
-- reset the entry's idle time too: a raw claim's lease is read from it, and consumers may watch it
redis.call('XCLAIM', redis.call('HGET', t, 'stream'), GROUP, agent, 0, redis.call('HGET', t, 'entry'), 'JUSTID')
redis.call('HSET', t, 'lastBeat', now)
redis.call('ZADD', base .. 'agents', now, agent)
return ticket_reply(id)
