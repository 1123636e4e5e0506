-- Gives back a send taken from a buyer's window when it never reached the buyer; keeps the TTL.
-- KEYS[1] the window counter.  Returns the count now, or false when the window has closed.
-- Hash tag: none needed: KEYS[1] is the only key touched, so it runs on whichever cluster node owns it.
local sent = redis.call('GET', KEYS[1])
if not sent then return false end
if tonumber(sent) > 0 then return redis.call('DECR', KEYS[1]) end
return 0
