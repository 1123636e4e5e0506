-- replystats: the first-agent-reply rate over the last 24 h: a ticket older than 3 minutes is decided
-- (answered in time or not); a younger one counts only once answered. Read only.
--
-- Input:
--   KEYS[1]  <base>created                   tickets by creation time
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
-- Output:
--   { decided, answered within 3 min, answered }
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local created_key = KEYS[1]
local day = now - DAY_MS
local within = redis.call('ZCOUNT', base .. 'replied-3m', day, '+inf')
local decided = redis.call('ZCOUNT', created_key, day, now - THREE_MINUTES_MS) + redis.call('ZCOUNT', base .. 'replied-3m', now - THREE_MINUTES_MS, '+inf')
local replied = redis.call('ZCOUNT', base .. 'replied', day, '+inf')
return { decided, within, replied }
