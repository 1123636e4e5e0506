-- Shared by every script (prepended when loaded, after the constants of scripts.ts and before
-- _settle.lua). Every script's first two ARGV are the same:
--   ARGV[1]  base   the shop's key prefix "<prefix>{<shop>}:"
--   ARGV[2]  now    epoch ms (the caller's clock, so tests can move time)
-- Hash tags: every key a script touches, declared in KEYS or not, starts with base, so all share
-- the shop's hash tag {<shop>} and one Redis Cluster slot; undeclared keys are built from base only.
local base = ARGV[1]
local now = tonumber(ARGV[2])
if not now then return redis.error_reply('AR_BAD_INPUT now is not a number') end
-- Redis (and on a cluster, the slot check) goes by KEYS: a KEYS outside base would send the script
-- to another shop's slot than the keys it builds, a cross-slot error on a cluster only
for _, k in ipairs(KEYS) do
  if string.sub(k, 1, #base) ~= base then return redis.error_reply('AR_BAD_INPUT KEYS are not under base') end
end

local function ticket_reply(id)
  local t = base .. 'ticket:' .. id
  return { redis.call('HGETALL', t), redis.call('LRANGE', base .. 'chat:' .. id, 0, -1) }
end

-- An agent may act on a ticket only while its claim is live.
local function owned(id, agent)
  local t = base .. 'ticket:' .. id
  if redis.call('EXISTS', t) == 0 then return redis.error_reply('AR_NOT_FOUND') end
  local lease = redis.call('ZSCORE', base .. 'claims', id)
  if redis.call('HGET', t, 'agentId') ~= agent or not lease or tonumber(lease) < now then
    return redis.error_reply('AR_NOT_OWNER')
  end
  return nil
end

local function set_conv(id, status, agent)
  local conv = base .. 'conv:' .. redis.call('HGET', base .. 'ticket:' .. id, 'conversationId')
  if redis.call('HGET', conv, 'ticketId') == id then redis.call('HSET', conv, 'ticketStatus', status, 'agentId', agent) end
end

-- The first claim of a ticket counts for the 3-minute reply-rate stat.
local function count_first_claim(id, at)
  local t = base .. 'ticket:' .. id
  if redis.call('HGET', t, 'claimedAt') then return end
  redis.call('HSET', t, 'claimedAt', at)
  local createdAt = tonumber(redis.call('HGET', t, 'createdAt'))
  if at - createdAt <= THREE_MINUTES_MS then redis.call('ZADD', base .. 'claimed-3m', createdAt, id) end
  redis.call('ZREMRANGEBYSCORE', base .. 'claimed-3m', '-inf', now - DAY_MS)
end

-- Taken or closed: no longer waiting for the agent who served its buyer last.
local function unprefer(id)
  local preferred = redis.call('HGET', base .. 'ticket:' .. id, 'preferred')
  if preferred then redis.call('ZREM', base .. 'prefer:' .. preferred, id) end
end

-- A ticket taken by an agent: out of the queue, leased, the bot silent in its conversation.
-- via: 'http' (the service's claim; kept alive by its heartbeat) or 'stream' (a raw XREADGROUP;
-- kept alive by XCLAIM, i.e. by the entry's idle time in the consumer group).
local function mark_claimed(id, agent, at, lease, via)
  local t = base .. 'ticket:' .. id
  redis.call('ZREM', base .. 'waiting', id)
  redis.call('ZREM', base .. 'waiting-since', id)
  redis.call('ZREM', base .. 'fresh', id)
  redis.call('ZADD', base .. 'claims', lease, id)
  redis.call('HSET', t, 'status', 'claimed', 'agentId', agent, 'lastBeat', at, 'via', via, 'delivered', '1')
  unprefer(id)
  if via == 'stream' then redis.call('SADD', base .. 'stream-claims', id) end
  count_first_claim(id, at)
  set_conv(id, 'claimed', agent)
end

-- Back to the queue in its original place (score); its entry is parked, not left with the agent.
local function to_queue(id)
  local t = base .. 'ticket:' .. id
  redis.call('ZREM', base .. 'claims', id)
  redis.call('SREM', base .. 'stream-claims', id)
  redis.call('ZADD', base .. 'waiting', redis.call('HGET', t, 'score'), id)
  redis.call('ZADD', base .. 'waiting-since', redis.call('HGET', t, 'createdAt'), id)
  redis.call('HSET', t, 'status', 'waiting', 'agentId', '', 'via', '')
  redis.call('XCLAIM', redis.call('HGET', t, 'stream'), GROUP, PARKED, 0, redis.call('HGET', t, 'entry'), 'JUSTID')
  set_conv(id, 'waiting', '')
end

-- Resolved: entry acknowledged and deleted, ticket gone, the conversation back to the bot.
local function close_ticket(id)
  local t = base .. 'ticket:' .. id
  local stream, entry = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry')
  redis.call('XACK', stream, GROUP, entry)
  redis.call('XDEL', stream, entry)
  local conv = base .. 'conv:' .. redis.call('HGET', t, 'conversationId')
  if redis.call('HGET', conv, 'ticketId') == id then redis.call('HDEL', conv, 'ticketId', 'ticketStatus', 'agentId') end
  -- the buyer's next ticket prefers this agent (claim-1.lua), while the conversation is remembered
  local agent = redis.call('HGET', t, 'agentId')
  if agent and agent ~= '' and redis.call('EXISTS', conv) == 1 then redis.call('HSET', conv, 'lastAgentId', agent) end
  for _, z in ipairs({ 'claims', 'waiting', 'waiting-since', 'fresh' }) do redis.call('ZREM', base .. z, id) end
  redis.call('SREM', base .. 'stream-claims', id)
  unprefer(id)
  redis.call('DEL', t, base .. 'chat:' .. id)
end
