-- queue: the open tickets for a desk's queue list, after catching up with desks' stream reads so a
-- chat taken with XREADGROUP shows as claimed. Writes only what settle() catches up.
--
-- Input:
--   KEYS[1]  <base>waiting                   the claim order
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  limit                           of each list: waiting, claimed
--   ARGV[4]  claim timeout ms
-- Output:
--   { waiting rows, claimed rows }           each row { ticket fields (HMGET), last QUEUE_CHAT_TAIL chat entries }
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local waiting_key = KEYS[1]
local limit, claim_timeout = tonumber(ARGV[3]), tonumber(ARGV[4])
settle(claim_timeout)
local fields = { 'id', 'conversationId', 'buyerId', 'priority', 'reason', 'status', 'createdAt', 'claimedAt', 'agentId' }
local function rows(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local t = base .. 'ticket:' .. id
    -- the last few entries are enough to find the buyer's latest line (a bot reply usually follows it)
    out[#out + 1] = { redis.call('HMGET', t, unpack(fields)), redis.call('LRANGE', base .. 'chat:' .. id, -QUEUE_CHAT_TAIL, -1) }
  end
  return out
end
local waiting = redis.call('ZRANGE', waiting_key, 0, limit - 1)
local claimed = redis.call('ZRANGE', base .. 'claims', 0, limit - 1)
return { rows(waiting), rows(claimed) }
