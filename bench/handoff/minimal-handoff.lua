-- The least a handoff can do and still keep the service's contract, for bench/handoff/floor.ts only
-- (never loaded by the service): a redelivery answered from its record; the conversation read and
-- written with its TTL; a claim-order sequence; the stream entry desks read; the claim order; the
-- ticket hash; the queue position and the agents online for the buyer's reply; one history line;
-- the idempotency record. 13 commands. Left out, each a command or more in commit-1.lua: the
-- ticket's own chat list, the never-delivered set settle() watches, the waiting-since and created
-- windows of the stats, the preferred agent, the analytics' counters and examples, settle() itself.
-- KEYS[1] idempotency key; ARGV[1] base, ARGV[2] now, ARGV[3] conversationId, ARGV[4] ticket id,
-- ARGV[5] buyerId, ARGV[6] chat line JSON, ARGV[7] record JSON.
local base, now = ARGV[1], tonumber(ARGV[2])
if redis.call('GET', KEYS[1]) then return 1 end
local conv = base .. 'conv:' .. ARGV[3]
redis.call('HMGET', conv, 'ticketId', 'lastAgentId')
local id = ARGV[4]
local score = 1e13 + redis.call('INCR', base .. 'seq')
local entry = redis.call('XADD', base .. 'q:normal', '*', 'ticket', id, 'conversation', ARGV[3])
redis.call('ZADD', base .. 'waiting', score, id)
redis.call('HSET', base .. 'ticket:' .. id, 'id', id, 'conversationId', ARGV[3], 'buyerId', ARGV[5],
  'reason', 'unmatched', 'status', 'waiting', 'createdAt', now, 'score', score, 'entry', entry)
local position = redis.call('ZRANK', base .. 'waiting', id)
local online = redis.call('ZCOUNT', base .. 'agents', now - 60000, '+inf')
redis.call('RPUSH', base .. 'history:' .. ARGV[3], ARGV[6])
redis.call('HSET', conv, 'lastSeenAt', now, 'ticketId', id, 'ticketStatus', 'waiting')
redis.call('PEXPIRE', conv, 86400000)
redis.call('SET', KEYS[1], ARGV[7], 'PX', 86400000)
return { 0, position, online }
