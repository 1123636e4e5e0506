-- Delivered. Settles the message whoever holds its entry now: once the buyer has it, a sender that
-- took over a lapsed lease must not send it again (its take sees the status and drops the entry).
-- KEYS[1] <base>outbox:msg:<id>  ARGV[3] id  ARGV[4] entry  ARGV[5] retention ms
-- Hash tag: KEYS[1] and every key built here start with base, <prefix>{<shop>}: (one cluster slot; _prelude.lua checks KEYS[1]).
drop_entry(ARGV[4])
redis.call('ZREM', base .. 'outbox:inflight', ARGV[3])
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sent', 'at', now)
redis.call('HDEL', KEYS[1], 'reason')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', base .. 'outbox:queued', ARGV[3])
redis.call('ZREM', base .. 'outbox:retry', ARGV[3])
redis.call('HINCRBY', base .. 'outbox:counts', 'sent', 1)
return 1
