-- Queue health. KEYS[1] <base>waiting  ARGV[3] claim timeout ms
settle(tonumber(ARGV[3]))
local waiting = redis.call('ZCARD', KEYS[1])
local urgent = redis.call('ZCOUNT', KEYS[1], '-inf', PRIORITY_BAND - 1)
local oldest = redis.call('ZRANGE', base .. 'waiting-since', 0, 0, 'WITHSCORES')
local claimed = redis.call('ZCARD', base .. 'claims')
local online = redis.call('ZCOUNT', base .. 'agents', now - tonumber(ARGV[3]), '+inf')
local day = now - DAY_MS
local recent = redis.call('ZCOUNT', base .. 'created', day, '+inf')
-- tickets older than 3 minutes are decided; younger ones count only once claimed
local decided = redis.call('ZCOUNT', base .. 'created', day, now - THREE_MINUTES_MS) + redis.call('ZCOUNT', base .. 'claimed-3m', now - THREE_MINUTES_MS, '+inf')
local within = redis.call('ZCOUNT', base .. 'claimed-3m', day, '+inf')
return { waiting, urgent, oldest[2] or '', claimed, online, decided, within, recent }
