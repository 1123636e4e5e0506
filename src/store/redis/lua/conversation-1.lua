-- conversation: a conversation's state, after catching up with desks' stream reads and returning
-- expired claims to the queue (so a vanished agent's chat is not kept silent, a claimed one is).
--
-- Input:
--   KEYS[1]  <base>conv:<conversationId>     the conversation hash
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  claim timeout ms
-- Output:
--   { field, value, ... }                    the conversation hash (empty when new)
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local conv_key = KEYS[1]
local claim_timeout = tonumber(ARGV[3])
settle(claim_timeout)
return redis.call('HGETALL', conv_key)
