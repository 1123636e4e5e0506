-- Claim the first waiting ticket: urgent before normal, then order of entry. A new ticket is
-- delivered to the agent through the consumer group (XREADGROUP); a released or expired one is
-- moved to the agent's pending list (XCLAIM).
-- KEYS[1] <base>waiting   ARGV[3] agentId   ARGV[4] claim timeout ms
requeue_expired()
local agent = ARGV[3]
redis.call('ZADD', base .. 'agents', now, agent)
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
local id = first[1]
local t = base .. 'ticket:' .. id
local stream, entry = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry')
if redis.call('HGET', t, 'delivered') == '0' then
  redis.call('XREADGROUP', 'GROUP', 'agents', agent, 'COUNT', 1, 'STREAMS', stream, '>')
  -- whatever XREADGROUP delivered, this ticket's entry must end up with this agent
  redis.call('XCLAIM', stream, 'agents', agent, 0, entry, 'JUSTID')
  redis.call('HSET', t, 'delivered', '1')
else
  redis.call('XCLAIM', stream, 'agents', agent, 0, entry, 'JUSTID')
end
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', base .. 'waiting-since', id)
redis.call('ZADD', base .. 'claims', now + tonumber(ARGV[4]), id)
redis.call('HSET', t, 'status', 'claimed', 'agentId', agent, 'lastBeat', now)
if not redis.call('HGET', t, 'claimedAt') then
  redis.call('HSET', t, 'claimedAt', now)
  local createdAt = tonumber(redis.call('HGET', t, 'createdAt'))
  if now - createdAt <= 180000 then redis.call('ZADD', base .. 'claimed-3m', createdAt, id) end
  redis.call('ZREMRANGEBYSCORE', base .. 'claimed-3m', '-inf', now - 86400000)
end
local conv = base .. 'conv:' .. redis.call('HGET', t, 'conversationId')
if redis.call('HGET', conv, 'ticketId') == id then
  redis.call('HSET', conv, 'ticketStatus', 'claimed', 'agentId', agent)
end
return ticket_reply(id)
