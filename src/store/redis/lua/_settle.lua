-- Prepended after _prelude.lua. Every script starts with settle(claim timeout ms): the service's
-- view of the queue catches up with what desks did directly on the streams (XREADGROUP GROUP
-- agents = claim, XCLAIM JUSTID = heartbeat, XACK = resolve), then lapsed claims are requeued.

-- stream -> { last = last-delivered-id, pending = PEL size } of group 'agents', as settle() saw it
local groups = {}

-- pcall: a shop may not have had a ticket of this priority yet (no stream: an error reply, cheaper
-- than an EXISTS on every call for the usual case where the stream is there)
local function group_of(stream)
  local reply = redis.pcall('XINFO', 'GROUPS', stream)
  if reply.err then return nil end
  for _, g in ipairs(reply) do
    local last, pending, name
    for i = 1, #g, 2 do
      local k = g[i]
      if k == 'name' then name = g[i + 1] elseif k == 'last-delivered-id' then last = g[i + 1] elseif k == 'pending' then pending = g[i + 1] end
    end
    if name == GROUP then return { last = last, pending = pending } end
  end
  return nil
end

-- true when stream id a <= b (ids are "ms-seq"; compared as numbers, not strings)
local function id_at_or_before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, bm = tonumber(am), tonumber(bm)
  return am < bm or (am == bm and tonumber(as) <= tonumber(bs))
end

-- A fresh ticket whose entry the group delivered though the service did not: a desk took it with
-- XREADGROUP. Still pending: claimed by that consumer since (now - idle). No longer pending: read
-- and acknowledged before the service looked, a claim and a resolve in one.
local function take_raw(id, timeout)
  local t = base .. 'ticket:' .. id
  local stream, entry = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry')
  local p = redis.call('XPENDING', stream, GROUP, entry, entry, 1)[1]
  if not p then
    count_first_claim(id, now)
    close_ticket(id)
    return
  end
  local at = math.max(now - p[3], tonumber(redis.call('HGET', t, 'createdAt')))
  mark_claimed(id, p[2], at, at + timeout, 'stream')
  redis.call('ZADD', base .. 'agents', 'GT', at, p[2])
end

-- A raw claim lives while its entry is pending for its consumer: gone from the PEL = XACKed, i.e.
-- resolved; its idle time = time since the last XCLAIM heartbeat, which sets the lease. Held by
-- anyone else (out of protocol), it is not refreshed and lapses.
local function check_stream_claim(id, timeout)
  local t = base .. 'ticket:' .. id
  local status, via, agent, stream, entry = unpack(redis.call('HMGET', t, 'status', 'via', 'agentId', 'stream', 'entry'))
  if status ~= 'claimed' or via ~= 'stream' then
    redis.call('SREM', base .. 'stream-claims', id)
    return
  end
  local p = redis.call('XPENDING', stream, GROUP, entry, entry, 1)[1]
  if not p then
    close_ticket(id)
    redis.call('ZADD', base .. 'agents', 'GT', now, agent)
  elseif p[2] == agent then
    local at = now - p[3]
    redis.call('ZADD', base .. 'claims', 'GT', at + timeout, id)
    redis.call('HSET', t, 'lastBeat', at)
    redis.call('ZADD', base .. 'agents', 'GT', at, agent)
  end
end

-- Fresh tickets of stream i (1 urgent, 2 normal) are in entry order: those up to the group's
-- last-delivered-id were taken by a desk's XREADGROUP. Bounded per call; false: more remain (the
-- next call goes on, and claim-1.lua checks its pick once more).
local function take_reads(i, last, timeout)
  for _ = 1, SETTLE_BATCH do
    local id = redis.call('ZRANGEBYSCORE', base .. 'fresh', (i - 1) * PRIORITY_BAND, i * PRIORITY_BAND - 1, 'LIMIT', 0, 1)[1]
    if not id or not id_at_or_before(redis.call('HGET', base .. 'ticket:' .. id, 'entry'), last) then return true end
    take_raw(id, timeout)
  end
  return false
end

-- group-seen holds "last-delivered-id pending" per stream as of the service's last look (claim-1.lua
-- updates it for its own deliveries): unchanged, no desk read or acknowledged anything since.
-- A desk can only take a never-delivered (fresh) ticket with XREADGROUP, and only release a raw
-- claim with XACK: a stream with neither is not looked at (no XINFO), which is every stream of a
-- shop whose queue is empty or whose desks all claim through the service (the usual webhook pays
-- one SCARD and one ZRANGE; the group's cursor is then read the next time there is something to
-- take, and take_reads catches up from it). groups[stream] stays unset for a stream not looked at:
-- the scripts read it only for fresh tickets, which that stream has none of.
local function sync_raw_claims(timeout)
  local raw_claims = redis.call('SCARD', base .. 'stream-claims') > 0
  -- which bands hold a fresh ticket, from the ends of `fresh` (urgent scores are below PRIORITY_BAND,
  -- normal ones at or above it): one ZRANGE for an empty set or one of normal tickets only, a second
  -- for the highest score only when the lowest is urgent (two ZCOUNTs before, whatever the set held)
  local look = { raw_claims, raw_claims }
  if not raw_claims then
    local lowest = redis.call('ZRANGE', base .. 'fresh', 0, 0, 'WITHSCORES')[2]
    if lowest and tonumber(lowest) < PRIORITY_BAND then
      look[1] = true
      look[2] = tonumber(redis.call('ZRANGE', base .. 'fresh', -1, -1, 'WITHSCORES')[2]) >= PRIORITY_BAND
    elseif lowest then
      look[2] = true
    end
  end
  if not look[1] and not look[2] then return end
  local seen = base .. 'group-seen'
  local marks = redis.call('HMGET', seen, URGENT, NORMAL)
  local changed = false
  for i, p in ipairs({ URGENT, NORMAL }) do
    local stream = base .. 'q:' .. p
    local g = look[i] and group_of(stream)
    if g then
      groups[stream] = g
      local mark = g.last .. ' ' .. g.pending
      if marks[i] ~= mark then
        changed = true
        if take_reads(i, g.last, timeout) then redis.call('HSET', seen, p, mark) end
      end
    end
  end
  -- a desk read or acknowledged something: check every raw claim (XACK = resolved)
  if changed then
    for _, id in ipairs(redis.call('SMEMBERS', base .. 'stream-claims')) do check_stream_claim(id, timeout) end
  end
end

-- Claims whose agent missed the heartbeat go back to the queue in their original place; a raw
-- claim's lease is first brought up to date from its entry's idle time.
local function requeue_expired(timeout)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. 'claims', '-inf', now)) do
    if redis.call('EXISTS', base .. 'ticket:' .. id) == 0 then
      redis.call('ZREM', base .. 'claims', id)
    else
      if redis.call('SISMEMBER', base .. 'stream-claims', id) == 1 then check_stream_claim(id, timeout) end
      local lease = redis.call('ZSCORE', base .. 'claims', id)
      if lease and tonumber(lease) <= now then
        -- remembered for the ticket.requeued event (requeued-1.lua hands them out once); bounded
        local t = base .. 'ticket:' .. id
        redis.call('RPUSH', base .. 'requeued', cjson.encode({ ticketId = id, agentId = redis.call('HGET', t, 'agentId'),
          conversationId = redis.call('HGET', t, 'conversationId'), priority = redis.call('HGET', t, 'priority'), at = now }))
        redis.call('LTRIM', base .. 'requeued', -REQUEUED_MAX, -1)
        redis.call('PEXPIRE', base .. 'requeued', DAY_MS)
        to_queue(id)
      end
    end
  end
end

local function settle(timeout)
  sync_raw_claims(timeout)
  requeue_expired(timeout)
end

-- Takes one chosen waiting ticket for an agent out of claim order (pick-1.lua: a desk picked it;
-- reply-1.lua: an agent answered it), the way claim-1.lua hands out the next one. A desk that read
-- the entry off the stream first keeps it (returns false: the caller's owner check refuses). A fresh
-- entry that is next in its stream is delivered through the consumer group; any other is moved to the
-- agent with XCLAIM without moving the group's cursor, so older entries stay for desks reading the
-- stream. Returns true when the agent now holds it.
local function take_waiting(id, agent, timeout)
  local t = base .. 'ticket:' .. id
  local stream, entry, priority = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry'), redis.call('HGET', t, 'priority')
  local g = groups[stream]
  local fresh = redis.call('HGET', t, 'delivered') == '0'
  if fresh and g and id_at_or_before(entry, g.last) then
    take_raw(id, timeout)
    return false
  end
  local nxt = g and redis.call('XRANGE', stream, '(' .. g.last, '+', 'COUNT', 1)[1]
  if fresh and nxt and nxt[1] == entry then
    redis.call('XREADGROUP', 'GROUP', GROUP, agent, 'COUNT', 1, 'STREAMS', stream, '>')
    redis.call('HSET', base .. 'group-seen', priority, entry .. ' ' .. (g.pending + 1))
  else
    redis.call('XCLAIM', stream, GROUP, agent, 0, entry, 'FORCE', 'JUSTID')
  end
  mark_claimed(id, agent, now, now + timeout, 'http')
  return true
end
