-- Queue one message, once: a second enqueue of the same id (a retried reply request) changes nothing.
-- KEYS[1] <base>outbox:msg:<id>  ARGV[3] id  ARGV[4] message JSON  ARGV[5] retention ms
-- Hash tag: KEYS[1] and every key built here start with base, <prefix>{<shop>}: (one cluster slot; _prelude.lua checks KEYS[1]).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local err = ensure_group()
if err then return err end
local entry = redis.call('XADD', stream, '*', 'id', ARGV[3])
redis.call('HSET', KEYS[1], 'json', ARGV[4], 'status', 'queued', 'attempts', 0, 'entry', entry, 'queuedAt', now, 'at', now)
-- bounded: even a message never settled is forgotten after the retention
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', base .. 'outbox:queued', now, ARGV[3])
return 1
