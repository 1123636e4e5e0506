-- A conversation's state, after catching up with desks' stream reads and returning expired claims
-- to the queue (so a vanished agent's chat is not kept silent, a claimed one is).
-- KEYS[1] <base>conv:<conversationId>   ARGV[3] claim timeout ms
settle(tonumber(ARGV[3]))
return redis.call('HGETALL', KEYS[1])
