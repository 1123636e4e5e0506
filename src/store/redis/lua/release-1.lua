-- Give a claimed ticket back to the queue, in its original place (ahead of newer tickets).
-- KEYS[1] <base>claims  ARGV[3] ticket id  ARGV[4] agentId
requeue_expired()
local id, agent = ARGV[3], ARGV[4]
local err = owned(id, agent)
if err then return err end
local t = base .. 'ticket:' .. id
redis.call('ZREM', KEYS[1], id)
redis.call('ZADD', base .. 'waiting', redis.call('HGET', t, 'score'), id)
redis.call('ZADD', base .. 'waiting-since', redis.call('HGET', t, 'createdAt'), id)
redis.call('HSET', t, 'status', 'waiting', 'agentId', '')
local conv = base .. 'conv:' .. redis.call('HGET', t, 'conversationId')
if redis.call('HGET', conv, 'ticketId') == id then redis.call('HSET', conv, 'ticketStatus', 'waiting', 'agentId', '') end
return 1
