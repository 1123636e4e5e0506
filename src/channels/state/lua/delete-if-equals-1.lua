-- Deletes a key only while it holds the given value: a lock released by its owner only, a cached
-- access token invalidated only if no other instance has replaced it meanwhile.
-- KEYS[1] the key  ARGV[1] the expected value.  Returns 1 when deleted, 0 otherwise.
-- Hash tag: none needed: KEYS[1] is the only key touched, so it runs on whichever cluster node owns it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
