-- A conversation's state, after returning expired claims to the queue (so a vanished agent's
-- chat is not kept silent). KEYS[1] <base>conv:<conversationId>
requeue_expired()
return redis.call('HGETALL', KEYS[1])
