-- Everything one buyer message changes, atomically: the idempotency record, the conversation
-- state, the ticket (open, append, or upgrade to urgent) and the unanswered-question counters.
-- KEYS[1] idempotency key (<base>idem:<messageId>)
-- ARGV[3] conversationId  ARGV[4] buyerId  ARGV[5] lastSeenAt
-- ARGV[6] pending mode: keep | clear | set   ARGV[7] pending JSON
-- ARGV[8] handoff reason ('' for none)  ARGV[9] priority  ARGV[10] new ticket id
-- ARGV[11] unmatched key ('' for none)  ARGV[12] unmatched text  ARGV[13] day (YYYY-MM-DD)
-- ARGV[14] body JSON  ARGV[15] idempotency TTL ms  ARGV[16] conversation TTL ms
-- ARGV[17] claim timeout ms  ARGV[18] analytics TTL s  ARGV[19] channel ('' leaves it as is)
-- ARGV[20] history TTL ms  ARGV[21] history max entries  ARGV[22..] chat entries (JSON each)
local existing = redis.call('GET', KEYS[1])
if existing then return { 1, existing } end

-- Check everything that can fail before the first write: a Lua error does not roll back the writes
-- before it, so a chat entry cjson rejects (a lone surrogate's escape) once left a ticket waiting
-- with an empty chat and no idempotency record, and every retry failed the same way.
local entries = {}
for i = 22, #ARGV do
  local ok, e = pcall(cjson.decode, ARGV[i])
  if not ok or type(e) ~= 'table' or type(e.text) ~= 'string' or (e.offline ~= nil and type(e.offline) ~= 'string') then
    return redis.error_reply('AR_BAD_INPUT chat entry ' .. (i - 21) .. ' is not a JSON object with a text')
  end
  entries[i] = e
end
for _, n in ipairs({ 5, 15, 16, 17, 18, 20, 21 }) do
  if not tonumber(ARGV[n]) then return redis.error_reply('AR_BAD_INPUT ARGV[' .. n .. '] is not a number') end
end
local ok_body = pcall(cjson.decode, ARGV[14])
if not ok_body then return redis.error_reply('AR_BAD_INPUT the body is not JSON') end

settle(tonumber(ARGV[17]))

local conv = base .. 'conv:' .. ARGV[3]
redis.call('HSET', conv, 'lastSeenAt', ARGV[5], 'buyerId', ARGV[4])
if ARGV[19] ~= '' then redis.call('HSET', conv, 'channel', ARGV[19]) end
if ARGV[6] == 'clear' then redis.call('HDEL', conv, 'pending')
elseif ARGV[6] == 'set' then redis.call('HSET', conv, 'pending', ARGV[7]) end

local ticket = redis.call('HGET', conv, 'ticketId')
if ticket and redis.call('EXISTS', base .. 'ticket:' .. ticket) == 0 then
  redis.call('HDEL', conv, 'ticketId', 'ticketStatus', 'agentId')
  ticket = false
end
-- The bot's holding reply names the queue position ({position}, {agents}); the agent sees it filled
-- in as the buyer did.
-- With nobody online the buyer was told so (the entry's `offline` variant).
-- Every entry also goes to the conversation's history (kept after resolve, bounded and expiring),
-- tagged with its ticket so the next agent can tell earlier tickets' chat from the current one.
local history = base .. 'history:' .. ARGV[3]
local function append_chat(id, position, agents)
  for i = 22, #ARGV do
    local entry = ARGV[i]
    local e = entries[i]
    if position then
      if e.role == 'bot' then
        if e.offline then
          if agents == 0 then e.text = e.offline end
          e.offline = nil
        end
        e.text = string.gsub(string.gsub(e.text, '{position}', tostring(position)), '{agents}', tostring(agents))
        entry = cjson.encode(e)
      end
    end
    if id then
      redis.call('RPUSH', base .. 'chat:' .. id, entry)
      e.ticketId = id
    end
    e.offline = nil
    redis.call('RPUSH', history, cjson.encode(e))
  end
  if #ARGV >= 22 then
    redis.call('LTRIM', history, -tonumber(ARGV[21]), -1)
    redis.call('PEXPIRE', history, ARGV[20])
  end
end

local ref = 'null'
if ARGV[8] ~= '' then
  local created = 0
  local function enqueue(id, priority)
    local seq = redis.call('INCR', base .. 'seq')
    local score = (priority == 'urgent' and 0 or 1) * 1e13 + seq
    local stream = base .. 'q:' .. priority
    if redis.call('EXISTS', stream) == 0 then
      redis.call('XGROUP', 'CREATE', stream, 'agents', '0', 'MKSTREAM')
    end
    local entry = redis.call('XADD', stream, '*', 'ticket', id, 'conversation', ARGV[3], 'priority', priority)
    redis.call('HSET', base .. 'ticket:' .. id, 'priority', priority, 'score', score, 'stream', stream, 'entry', entry, 'delivered', '0')
    -- the agent who served this buyer last gets it first when they claim (claim-1.lua)
    local preferred = redis.call('HGET', base .. 'ticket:' .. id, 'preferred')
    if preferred and not redis.call('HGET', base .. 'ticket:' .. id, 'claimedAt') then
      redis.call('ZADD', base .. 'prefer:' .. preferred, score, id)
      redis.call('PEXPIRE', base .. 'prefer:' .. preferred, 86400000)
    end
    redis.call('ZADD', base .. 'waiting', score, id)
    -- never delivered yet: settle() watches these for a desk's XREADGROUP
    redis.call('ZADD', base .. 'fresh', score, id)
  end
  if not ticket then
    ticket = ARGV[10]
    redis.call('HSET', base .. 'ticket:' .. ticket, 'id', ticket, 'conversationId', ARGV[3], 'buyerId', ARGV[4],
      'reason', ARGV[8], 'status', 'waiting', 'createdAt', now)
    local last = redis.call('HGET', conv, 'lastAgentId')
    if last and last ~= '' then redis.call('HSET', base .. 'ticket:' .. ticket, 'preferred', last) end
    enqueue(ticket, ARGV[9])
    redis.call('ZADD', base .. 'waiting-since', now, ticket)
    redis.call('ZADD', base .. 'created', now, ticket)
    redis.call('ZREMRANGEBYSCORE', base .. 'created', '-inf', now - 86400000)
    redis.call('HSET', conv, 'ticketId', ticket, 'ticketStatus', 'waiting', 'agentId', '')
    created = 1
  else
    local t = base .. 'ticket:' .. ticket
    if ARGV[9] == 'urgent' and redis.call('HGET', t, 'priority') == 'normal' and redis.call('HGET', t, 'status') == 'waiting' then
      -- a waiting chat turns into a complaint: it moves to the urgent stream
      local old_stream, old_entry = redis.call('HGET', t, 'stream'), redis.call('HGET', t, 'entry')
      redis.call('XACK', old_stream, 'agents', old_entry)
      redis.call('XDEL', old_stream, old_entry)
      redis.call('HSET', t, 'reason', ARGV[8])
      enqueue(ticket, 'urgent')
    end
  end
  local t = base .. 'ticket:' .. ticket
  local rank = redis.call('ZRANK', base .. 'waiting', ticket)
  local online = redis.call('ZCOUNT', base .. 'agents', now - tonumber(ARGV[17]), '+inf')
  append_chat(ticket, rank or 0, online)
  ref = cjson.encode({ id = ticket, position = rank or 0, priority = redis.call('HGET', t, 'priority'),
    reason = redis.call('HGET', t, 'reason'), created = created == 1, agentsOnline = online })
else
  append_chat(ticket)
end

if ARGV[11] ~= '' then
  local day = base .. 'unmatched:' .. ARGV[13]
  redis.call('ZINCRBY', day, 1, ARGV[11])
  redis.call('EXPIRE', day, ARGV[18])
  local ex = day .. ':ex:' .. ARGV[11]
  redis.call('LREM', ex, 0, ARGV[12])
  redis.call('LPUSH', ex, ARGV[12])
  redis.call('LTRIM', ex, 0, 4)
  redis.call('EXPIRE', ex, ARGV[18])
end

redis.call('PEXPIRE', conv, ARGV[16])
local record = '{"body":' .. ARGV[14] .. ',"ticket":' .. ref .. '}'
redis.call('SET', KEYS[1], record, 'PX', ARGV[15])
return { 0, record }
