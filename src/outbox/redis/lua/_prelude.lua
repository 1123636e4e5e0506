-- Shared by every outbox script (prepended when loaded). Keys of one shop's outbox, all under
-- ARGV[1], the shop's base prefix "<prefix>{<shop>}:" (one Redis Cluster slot):
--   outbox            stream of messages to send, consumer group 'senders' (one consumer per instance)
--   outbox:msg:<id>   hash: json, status (queued|sent|failed), attempts, entry, reason, queuedAt, at
--   outbox:queued     zset id -> queuedAt of messages not yet settled (depth, oldest age)
--   outbox:inflight   zset id -> lease end of messages handed to a sender
--   outbox:retry      zset id -> due time of messages waiting out their backoff (not in the stream)
--   outbox:dead       list of dead-lettered ids, newest first, trimmed
--   outbox:counts     hash sent, failed
-- ARGV[1] base prefix, ARGV[2] now (epoch ms).
local base = ARGV[1]
local now = tonumber(ARGV[2])
-- Redis (and on a cluster, the slot check) goes by KEYS[1]: one outside base would send the script
-- to another shop's slot than the keys it builds, a cross-slot error on a cluster only
if string.sub(KEYS[1], 1, #base) ~= base then return redis.error_reply('AR_BAD_INPUT KEYS[1] is not under base') end
local stream = base .. 'outbox'
local GROUP = 'senders'

local function msg_key(id) return base .. 'outbox:msg:' .. id end

local function ensure_group()
  local ok = redis.pcall('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM')
  -- BUSYGROUP: it exists, the usual case
  if type(ok) == 'table' and ok.err and not string.find(ok.err, 'BUSYGROUP') then return redis.error_reply(ok.err) end
end

-- The entry is this consumer's: a sender whose lease lapsed (another took it over) must not
-- reschedule or dead-letter what the other is sending.
local function holds(entry, consumer)
  local p = redis.call('XPENDING', stream, GROUP, entry, entry, 1)[1]
  return p ~= nil and p[2] == consumer
end

local function drop_entry(entry)
  redis.call('XACK', stream, GROUP, entry)
  redis.call('XDEL', stream, entry)
end
