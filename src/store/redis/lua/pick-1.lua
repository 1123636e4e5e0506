-- pick: claims one chosen waiting ticket (a desk picked it from the queue list), the way claim-1.lua
-- hands out the next one: a fresh entry that is next in its stream is delivered through the
-- consumer group; any other is moved to the agent with XCLAIM without moving the group's cursor,
-- so older entries stay for desks reading the stream.
--
-- Input:
--   KEYS[1]  <base>ticket:<id>               the ticket hash
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  agentId
--   ARGV[5]  claim timeout ms
-- Output:
--   { ticket hash, chat }                    the ticket, held by the agent (ticket_reply)
--   error AR_NOT_FOUND / AR_NOT_OWNER        not open / someone else holds it
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local ticket_key = KEYS[1]
local id, agent, timeout = ARGV[3], ARGV[4], tonumber(ARGV[5])
settle(timeout)
if redis.call('EXISTS', ticket_key) == 0 then return redis.error_reply('AR_NOT_FOUND') end
local status, holder = redis.call('HGET', ticket_key, 'status'), redis.call('HGET', ticket_key, 'agentId')
if status == 'claimed' then
  if holder == agent then return ticket_reply(id) end
  return redis.error_reply('AR_NOT_OWNER')
end
redis.call('ZADD', base .. 'agents', now, agent)
if not take_waiting(id, agent, timeout) then return redis.error_reply('AR_NOT_OWNER') end
return ticket_reply(id)
