-- Keep a claim alive. KEYS[1] <base>claims  ARGV[3] ticket id  ARGV[4] agentId  ARGV[5] claim timeout ms
settle(tonumber(ARGV[5]))
local id, agent = ARGV[3], ARGV[4]
local err = owned(id, agent)
if err then return err end
local t = base .. 'ticket:' .. id
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), id)
-- reset the entry's idle time too: a raw claim's lease is read from it, and consumers may watch it
redis.call('XCLAIM', redis.call('HGET', t, 'stream'), GROUP, agent, 0, redis.call('HGET', t, 'entry'), 'JUSTID')
redis.call('HSET', t, 'lastBeat', now)
redis.call('ZADD', base .. 'agents', now, agent)
return ticket_reply(id)
