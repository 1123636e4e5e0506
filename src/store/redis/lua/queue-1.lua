-- The open tickets for a desk's queue list, after catching up with desks' stream reads so a chat
-- taken with XREADGROUP shows as claimed. Read only.
-- KEYS[1] <base>waiting  ARGV[3] limit (of each: waiting, claimed)  ARGV[4] claim timeout ms
-- Returns { waiting: {{hash}, {last chat entries}}..., claimed: ... } as two arrays.
settle(tonumber(ARGV[4]))
local limit = tonumber(ARGV[3])
local fields = { 'id', 'conversationId', 'buyerId', 'priority', 'reason', 'status', 'createdAt', 'claimedAt', 'agentId' }
local function rows(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local t = base .. 'ticket:' .. id
    -- the last few entries are enough to find the buyer's latest line (a bot reply usually follows it)
    out[#out + 1] = { redis.call('HMGET', t, unpack(fields)), redis.call('LRANGE', base .. 'chat:' .. id, -4, -1) }
  end
  return out
end
local waiting = redis.call('ZRANGE', KEYS[1], 0, limit - 1)
local claimed = redis.call('ZRANGE', base .. 'claims', 0, limit - 1)
return { rows(waiting), rows(claimed) }
