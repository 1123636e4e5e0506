-- receive: what a buyer message needs before its decision, in one round trip. A redelivery gets its
-- stored record and nothing else runs. A new message gets its conversation's state after the queue
-- caught up with desks' stream reads and lapsed claims (settle): the one settle of this message, on
-- which the decision and commit-1.lua (called next with settle '0') rely.
--
-- Input:
--   KEYS[1]  <base>idem:<messageId>          the idempotency record commit-1.lua writes
--   KEYS[2]  <base>conv:<conversationId>     the conversation hash
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  claim timeout ms
-- Output:
--   { record }                               committed before: commit-1.lua's record, as stored
--   { false, { field, value, ... } }         otherwise: the conversation hash (empty when new)
--   error AR_BAD_INPUT                       before any write, when a number is not one
-- Keys not declared: settle()'s, all under base, so in the declared keys' hash tag (one cluster slot).
local idem_key, conv_key = KEYS[1], KEYS[2]
local claim_timeout = tonumber(ARGV[3])

local record = redis.call('GET', idem_key)
if record then return { record } end
if not claim_timeout then return redis.error_reply('AR_BAD_INPUT claim timeout is not a number') end

settle(claim_timeout)
return { false, redis.call('HGETALL', conv_key) }
