-- Claim one chosen waiting ticket (a desk picked it from the queue list), the way claim-1.lua
-- hands out the next one: a fresh entry that is next in its stream is delivered through the
-- consumer group; any other is moved to the agent with XCLAIM without moving the group's cursor,
-- so older entries stay for desks reading the stream.
-- KEYS[1] <base>ticket:<id>  ARGV[3] ticket id  ARGV[4] agentId  ARGV[5] claim timeout ms
-- Returns the ticket, or an error reply AR_NOT_FOUND (not open) / AR_NOT_OWNER (someone holds it).
local id, agent, timeout = ARGV[3], ARGV[4], tonumber(ARGV[5])
settle(timeout)
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('AR_NOT_FOUND') end
local status, holder = redis.call('HGET', KEYS[1], 'status'), redis.call('HGET', KEYS[1], 'agentId')
if status == 'claimed' then
  if holder == agent then return ticket_reply(id) end
  return redis.error_reply('AR_NOT_OWNER')
end
redis.call('ZADD', base .. 'agents', now, agent)
if not take_waiting(id, agent, timeout) then return redis.error_reply('AR_NOT_OWNER') end
return ticket_reply(id)
