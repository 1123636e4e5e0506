-- claim: the first waiting ticket for an agent: urgent before normal, then order of entry. A fresh
-- ticket's entry is delivered to the agent through the consumer group, that entry and no other (a
-- desk reading the stream with XREADGROUP gets the next one); a ticket back in the queue is moved
-- from the parked consumer to the agent (XCLAIM).
--
-- Input:
--   KEYS[1]  <base>waiting                   the claim order (score: priority band + sequence)
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  agentId
--   ARGV[4]  claim timeout ms
-- Output:
--   { ticket hash, chat }                    the ticket now held by the agent (ticket_reply)
--   false                                    nothing waiting
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local waiting_key = KEYS[1]
local agent, timeout = ARGV[3], tonumber(ARGV[4])
settle(timeout)
redis.call('ZADD', base .. 'agents', now, agent)
-- agents unseen for a day are forgotten, so the set stays the size of the team
redis.call('ZREMRANGEBYSCORE', base .. 'agents', '-inf', now - DAY_MS)

-- settle() left the group's next undelivered entry as the oldest fresh ticket's, unless entries no
-- ticket refers to lie before it: those are skipped (SETID), never handed out
local function deliver(stream, entry, priority)
  local g = groups[stream]
  local nxt = redis.call('XRANGE', stream, '(' .. g.last, '+', 'COUNT', 1)[1]
  if nxt and nxt[1] == entry then
    redis.call('XREADGROUP', 'GROUP', GROUP, agent, 'COUNT', 1, 'STREAMS', stream, '>')
  else
    redis.call('XGROUP', 'SETID', stream, GROUP, entry)
    redis.call('XCLAIM', stream, GROUP, agent, 0, entry, 'FORCE', 'JUSTID')
  end
  -- the group moved by this claim, not by a desk: the next settle() need not re-check raw claims
  redis.call('HSET', base .. 'group-seen', priority, entry .. ' ' .. (g.pending + 1))
end

-- A returning buyer's new ticket goes to the agent who served them last (cskefu's routing), ahead
-- of older tickets of its priority, never ahead of a more urgent one. A preference, not a
-- reservation: whoever claims first while that agent is away takes it in the usual order.
-- Moved to the agent with XCLAIM FORCE, not by moving the group's cursor (SETID would skip the
-- older entries, which settle() would then read as taken by a desk).
local function preferred()
  local key = base .. 'prefer:' .. agent
  local mine = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if not mine[1] then return nil end
  local score = redis.call('ZSCORE', waiting_key, mine[1])
  if not score or tonumber(score) ~= tonumber(mine[2]) then
    redis.call('ZREM', key, mine[1])
    return nil
  end
  local head = redis.call('ZRANGE', waiting_key, 0, 0, 'WITHSCORES')
  if head[1] == mine[1] or math.floor(tonumber(head[2]) / PRIORITY_BAND) ~= math.floor(tonumber(score) / PRIORITY_BAND) then return nil end
  return mine[1]
end
local pick = preferred()
if pick then
  local t = base .. 'ticket:' .. pick
  local stream, entry, priority = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry'), redis.call('HGET', t, 'priority')
  local fresh = redis.call('HGET', t, 'delivered') == '0'
  local g = groups[stream]
  if fresh and g and id_at_or_before(entry, g.last) then
    -- a desk read it off the stream: theirs; the usual order below
    take_raw(pick, timeout)
  else
    redis.call('XCLAIM', stream, GROUP, agent, 0, entry, 'FORCE', 'JUSTID')
    -- the group's pending count grew by this claim, not by a desk: keep settle()'s mark current
    if fresh and g and redis.call('HGET', base .. 'group-seen', priority) == g.last .. ' ' .. g.pending then
      redis.call('HSET', base .. 'group-seen', priority, g.last .. ' ' .. (g.pending + 1))
    end
    mark_claimed(pick, agent, now, now + timeout, 'http')
    return ticket_reply(pick)
  end
end

-- bounded rounds: a ticket a desk took with XREADGROUP beyond settle()'s batch goes to that desk
for _ = 1, 10 do
  local id = redis.call('ZRANGE', waiting_key, 0, 0)[1]
  if not id then return false end
  local t = base .. 'ticket:' .. id
  local stream, entry, priority = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry'), redis.call('HGET', t, 'priority')
  local fresh = redis.call('HGET', t, 'delivered') == '0'
  if fresh and id_at_or_before(entry, groups[stream].last) then
    take_raw(id, timeout)
  else
    if fresh then
      deliver(stream, entry, priority)
    else
      -- FORCE: back in the pending list even if a stale desk acknowledged the parked entry
      redis.call('XCLAIM', stream, GROUP, agent, 0, entry, 'FORCE', 'JUSTID')
    end
    mark_claimed(id, agent, now, now + timeout, 'http')
    return ticket_reply(id)
  end
end
return false
