-- Close a ticket: acknowledge and delete its stream entry, give the conversation back to the bot.
-- KEYS[1] <base>claims  ARGV[3] ticket id  ARGV[4] agentId
requeue_expired()
local id, agent = ARGV[3], ARGV[4]
local err = owned(id, agent)
if err then return err end
local t = base .. 'ticket:' .. id
local stream, entry = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry')
redis.call('XACK', stream, 'agents', entry)
redis.call('XDEL', stream, entry)
local conv = base .. 'conv:' .. redis.call('HGET', t, 'conversationId')
if redis.call('HGET', conv, 'ticketId') == id then redis.call('HDEL', conv, 'ticketId', 'ticketStatus', 'agentId') end
redis.call('ZREM', KEYS[1], id)
redis.call('DEL', t, base .. 'chat:' .. id)
redis.call('ZADD', base .. 'agents', now, agent)
return 1
