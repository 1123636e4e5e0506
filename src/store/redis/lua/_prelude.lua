-- Shared by every script (prepended when loaded). All keys of one shop live under ARGV[1], the
-- shop's base prefix "<prefix>{<shop>}:", so they share one Redis Cluster slot (hash tag).
-- ARGV[1] base prefix, ARGV[2] now (epoch ms).
local base = ARGV[1]
local now = tonumber(ARGV[2])

-- Claims whose agent missed the heartbeat go back to the queue in their original place.
local function requeue_expired()
  local expired = redis.call('ZRANGEBYSCORE', base .. 'claims', '-inf', now)
  for _, id in ipairs(expired) do
    redis.call('ZREM', base .. 'claims', id)
    local t = base .. 'ticket:' .. id
    if redis.call('EXISTS', t) == 1 then
      redis.call('ZADD', base .. 'waiting', redis.call('HGET', t, 'score'), id)
      redis.call('ZADD', base .. 'waiting-since', redis.call('HGET', t, 'createdAt'), id)
      redis.call('HSET', t, 'status', 'waiting', 'agentId', '')
      local conv = base .. 'conv:' .. redis.call('HGET', t, 'conversationId')
      if redis.call('HGET', conv, 'ticketId') == id then
        redis.call('HSET', conv, 'ticketStatus', 'waiting', 'agentId', '')
      end
    end
  end
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
