-- Hand up to COUNT messages to one sender: due retries go back into the stream first, then entries
-- whose sender's lease lapsed (an instance died mid-send: moved to this sender with XCLAIM), then
-- new entries (XREADGROUP). Each hand-over is a try (attempts + 1) and leases the entry until now +
-- lease in outbox:inflight (the service's clock, not the entry's idle time, so every instance and
-- the embedded outbox agree on when a lease lapses).
-- KEYS[1] <base>outbox  ARGV[3] consumer  ARGV[4] count  ARGV[5] lease ms  ARGV[6] retention ms
-- Returns { { entry, message JSON, attempts }, ... }
-- @see https://redis.io/docs/latest/commands/xclaim/
-- Hash tag: KEYS[1] and every key built here start with base, <prefix>{<shop>}: (one cluster slot; _prelude.lua checks KEYS[1]).
local consumer, count, lease = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local err = ensure_group()
if err then return err end
-- records expire after the retention; their ids must not linger in the depth count
redis.call('ZREMRANGEBYSCORE', base .. 'outbox:queued', '-inf', now - tonumber(ARGV[6]))

for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. 'outbox:retry', '-inf', now, 'LIMIT', 0, count)) do
  redis.call('ZREM', base .. 'outbox:retry', id)
  local h = msg_key(id)
  if redis.call('HGET', h, 'status') == 'queued' then
    redis.call('HSET', h, 'entry', redis.call('XADD', stream, '*', 'id', id))
  end
end

local out = {}
local function hand(entry, fields)
  local id
  for i = 1, #fields, 2 do if fields[i] == 'id' then id = fields[i + 1] end end
  local h = id and msg_key(id)
  -- settled meanwhile, or its record expired: nothing to send
  if not h or redis.call('HGET', h, 'status') ~= 'queued' or redis.call('HGET', h, 'entry') ~= entry then
    drop_entry(entry)
    return
  end
  local attempts = redis.call('HINCRBY', h, 'attempts', 1)
  redis.call('ZADD', base .. 'outbox:inflight', now + lease, id)
  out[#out + 1] = { entry, redis.call('HGET', h, 'json'), attempts }
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. 'outbox:inflight', '-inf', now, 'LIMIT', 0, count)) do
  redis.call('ZREM', base .. 'outbox:inflight', id)
  local entry = redis.call('HGET', msg_key(id), 'entry')
  local e = entry and redis.call('XCLAIM', stream, GROUP, consumer, 0, entry)[1]
  if e and e[2] then hand(e[1], e[2]) end
end
if #out < count then
  local fresh = redis.call('XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', count - #out, 'STREAMS', stream, '>')
  if fresh then for _, e in ipairs(fresh[1][2]) do hand(e[1], e[2]) end end
end
return out
