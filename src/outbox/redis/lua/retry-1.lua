-- Try again later: the entry leaves the stream (so no other sender takes it early) and the id waits
-- in outbox:retry until its due time, when take-1.lua puts it back.
-- KEYS[1] <base>outbox:msg:<id>  ARGV[3] id  ARGV[4] entry  ARGV[5] consumer  ARGV[6] reason  ARGV[7] delay ms
-- Hash tag: KEYS[1] and every key built here start with base, <prefix>{<shop>}: (one cluster slot; _prelude.lua checks KEYS[1]).
if not holds(ARGV[4], ARGV[5]) or redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
drop_entry(ARGV[4])
redis.call('ZREM', base .. 'outbox:inflight', ARGV[3])
redis.call('ZADD', base .. 'outbox:retry', now + tonumber(ARGV[7]), ARGV[3])
redis.call('HSET', KEYS[1], 'reason', ARGV[6], 'at', now)
return 1
