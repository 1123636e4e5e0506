-- stats: queue health for /v1/handoff/stats and the console.
--
-- Input:
--   KEYS[1]  <base>waiting                   the claim order
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  claim timeout ms                also how recently an agent counts as online
-- Output:
--   { waiting, urgent, oldest waiting since (ms or ''), claimed, agents online,
--     decided in 24 h, claimed within 3 min, created in 24 h }
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local waiting_key = KEYS[1]
local claim_timeout = tonumber(ARGV[3])
settle(claim_timeout)
local waiting = redis.call('ZCARD', waiting_key)
local urgent = redis.call('ZCOUNT', waiting_key, '-inf', PRIORITY_BAND - 1)
local oldest = redis.call('ZRANGE', base .. 'waiting-since', 0, 0, 'WITHSCORES')
local claimed = redis.call('ZCARD', base .. 'claims')
local online = redis.call('ZCOUNT', base .. 'agents', now - claim_timeout, '+inf')
local day = now - DAY_MS
local recent = redis.call('ZCOUNT', base .. 'created', day, '+inf')
-- tickets older than 3 minutes are decided; younger ones count only once claimed
local decided = redis.call('ZCOUNT', base .. 'created', day, now - THREE_MINUTES_MS) + redis.call('ZCOUNT', base .. 'claimed-3m', now - THREE_MINUTES_MS, '+inf')
local within = redis.call('ZCOUNT', base .. 'claimed-3m', day, '+inf')
return { waiting, urgent, oldest[2] or '', claimed, online, decided, within, recent }
