-- Claims that lapsed since the last call (settle() requeues them first), each handed out once, for
-- the ticket.requeued event; whichever instance asks first emits it.
-- KEYS[1] <base>requeued  ARGV[3] claim timeout ms  ARGV[4] how many at most
settle(tonumber(ARGV[3]))
local n = tonumber(ARGV[4])
local out = redis.call('LRANGE', KEYS[1], 0, n - 1)
redis.call('LTRIM', KEYS[1], n, -1)
return out
