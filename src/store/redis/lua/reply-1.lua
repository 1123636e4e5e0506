-- reply: an agent's message to the buyer, atomically: the idempotency record, the claim (a waiting
-- ticket is taken by the agent who answers it, as claim-1.lua would hand it out) or the heartbeat (a
-- held one), the entry in the ticket's chat and in the conversation's history, its delivery 'queued',
-- and the first-reply time the 3-minute reply rate counts. The outbox entry is written next by the
-- caller, idempotent on the message id, so a retried request repairs a crash between the two.
--
-- Input:
--   KEYS[1]  <base>reply:<ticketId>:<clientMsgId>   the idempotency record of this reply
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  agentId
--   ARGV[5]  text
--   ARGV[6]  new message id                  used unless the record exists
--   ARGV[7]  claim timeout ms
--   ARGV[8]  idempotency TTL ms
--   ARGV[9]  history TTL ms                  also the delivery record's
--   ARGV[10] history max entries
-- Output:
--   { 1, record }                            sent before: the stored record
--   { 0, record }                            recorded now: {id, ticketId, conversationId, buyerId, agentId, text, at, channel, claimed}
--   error AR_NOT_FOUND / AR_NOT_OWNER        no such open ticket / another agent holds it
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local reply_key = KEYS[1]
local id, agent, text, msg = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local timeout, idem_ttl, history_ttl, history_max = tonumber(ARGV[7]), ARGV[8], ARGV[9], tonumber(ARGV[10])
local existing = redis.call('GET', reply_key)
if existing then return { 1, existing } end
settle(timeout)
local t = base .. 'ticket:' .. id
if redis.call('EXISTS', t) == 0 then return redis.error_reply('AR_NOT_FOUND') end

local claimed = false
if redis.call('HGET', t, 'status') == 'waiting' then
  claimed = take_waiting(id, agent, timeout)
end
local err = owned(id, agent)
if err then return err end
if not claimed then
  redis.call('ZADD', base .. 'claims', now + timeout, id)
  redis.call('XCLAIM', redis.call('HGET', t, 'stream'), GROUP, agent, 0, redis.call('HGET', t, 'entry'), 'JUSTID')
  redis.call('HSET', t, 'lastBeat', now)
end
redis.call('ZADD', base .. 'agents', now, agent)

local convId, buyer = redis.call('HGET', t, 'conversationId'), redis.call('HGET', t, 'buyerId')
local conv = base .. 'conv:' .. convId
local channel = redis.call('HGET', conv, 'channel') or DEFAULT_CHANNEL
local line = { role = 'agent', text = text, at = now, messageId = msg, agentId = agent }
redis.call('RPUSH', base .. 'chat:' .. id, cjson.encode(line))
line.ticketId = id
local history = base .. 'history:' .. convId
redis.call('RPUSH', history, cjson.encode(line))
redis.call('LTRIM', history, -history_max, -1)
redis.call('PEXPIRE', history, history_ttl)
redis.call('SET', base .. 'delivery:' .. msg, cjson.encode({ status = 'queued', at = now, attempts = 0 }), 'PX', history_ttl)

-- the platforms' figure: time from the handoff to the first human answer
if not redis.call('HGET', t, 'firstReplyAt') then
  redis.call('HSET', t, 'firstReplyAt', now)
  local createdAt = tonumber(redis.call('HGET', t, 'createdAt'))
  redis.call('ZADD', base .. 'replied', createdAt, id)
  if now - createdAt <= THREE_MINUTES_MS then redis.call('ZADD', base .. 'replied-3m', createdAt, id) end
  redis.call('ZREMRANGEBYSCORE', base .. 'replied', '-inf', now - DAY_MS)
  redis.call('ZREMRANGEBYSCORE', base .. 'replied-3m', '-inf', now - DAY_MS)
end

local record = cjson.encode({ id = msg, ticketId = id, conversationId = convId, buyerId = buyer, agentId = agent,
  text = text, at = now, channel = channel, claimed = claimed })
redis.call('SET', reply_key, record, 'PX', idem_ttl)
return { 0, record }
