-- requeued: claims that lapsed since the last call (settle() requeues them first), each handed out
-- once, for the ticket.requeued event; whichever instance asks first emits it.
--
-- Input:
--   KEYS[1]  <base>requeued                  lapsed claims, JSON each (_settle.lua, at most REQUEUED_MAX)
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  claim timeout ms
--   ARGV[4]  how many at most
-- Output:
--   { JSON, ... }                            {ticketId, agentId, conversationId, priority, at} each, oldest first
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local requeued_key = KEYS[1]
local claim_timeout, n = tonumber(ARGV[3]), tonumber(ARGV[4])
settle(claim_timeout)
local out = redis.call('LRANGE', requeued_key, 0, n - 1)
redis.call('LTRIM', requeued_key, n, -1)
return out
