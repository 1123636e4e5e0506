-- Give up on a message: out of the stream, status failed with the reason, onto the dead-letter list.
-- KEYS[1] <base>outbox:msg:<id>  ARGV[3] id  ARGV[4] entry  ARGV[5] consumer  ARGV[6] reason
-- ARGV[7] dead-letter list length  ARGV[8] retention ms
-- Hash tag: KEYS[1] and every key built here start with base, <prefix>{<shop>}: (one cluster slot; _prelude.lua checks KEYS[1]).
if not holds(ARGV[4], ARGV[5]) or redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
drop_entry(ARGV[4])
redis.call('ZREM', base .. 'outbox:inflight', ARGV[3])
redis.call('HSET', KEYS[1], 'status', 'failed', 'reason', ARGV[6], 'at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('ZREM', base .. 'outbox:queued', ARGV[3])
redis.call('LPUSH', base .. 'outbox:dead', ARGV[3])
redis.call('LTRIM', base .. 'outbox:dead', 0, tonumber(ARGV[7]) - 1)
redis.call('HINCRBY', base .. 'outbox:counts', 'failed', 1)
return 1
