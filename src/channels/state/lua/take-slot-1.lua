-- Takes one send from a buyer's open window (WeChat: 48 h after the buyer's last message, at most
-- ARGV[1] messages), atomically so two instances sending at once cannot both take the last one.
-- KEYS[1] the window counter (set with the window's TTL when the buyer writes)  ARGV[1] limit
-- Returns 1 taken, 0 no window open, -1 all sends used.
-- Hash tag: none needed: KEYS[1] is the only key touched, so it runs on whichever cluster node owns it.
local sent = redis.call('GET', KEYS[1])
if not sent then return 0 end
if tonumber(sent) >= tonumber(ARGV[1]) then return -1 end
redis.call('INCR', KEYS[1])
return 1
