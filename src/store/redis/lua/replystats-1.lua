-- First-agent-reply rate over the last 24 h: a ticket older than 3 minutes is decided (answered in
-- time or not); a younger one counts only once answered. KEYS[1] <base>created
local day = now - DAY_MS
local within = redis.call('ZCOUNT', base .. 'replied-3m', day, '+inf')
local decided = redis.call('ZCOUNT', KEYS[1], day, now - THREE_MINUTES_MS) + redis.call('ZCOUNT', base .. 'replied-3m', now - THREE_MINUTES_MS, '+inf')
local replied = redis.call('ZCOUNT', base .. 'replied', day, '+inf')
return { decided, within, replied }
