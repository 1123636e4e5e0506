-- commit: everything one buyer message changes, atomically: the idempotency record, the
-- conversation state, the ticket (opened, appended to, or moved to the urgent queue), the chat and
-- history lines, the unanswered-question counters; and the replies as the buyer sees them, queue
-- position and offline wording filled in here and nowhere else, so a redelivery replays them as sent.
--
-- Input:
--   KEYS[1]   <base>idem:<messageId>      the idempotency record
--   ARGV[1]   base, ARGV[2] now           (_prelude.lua)
--   ARGV[3]   conversationId
--   ARGV[4]   buyerId
--   ARGV[5]   lastSeenAt                  epoch ms
--   ARGV[6]   pending mode                keep | clear | set
--   ARGV[7]   pending JSON                (mode set)
--   ARGV[8]   handoff reason              '' for no handoff
--   ARGV[9]   handoff priority            urgent | normal
--   ARGV[10]  new ticket id               used when the conversation has no open ticket
--   ARGV[11]  unmatched key               '' when the message is not counted
--   ARGV[12]  unmatched text
--   ARGV[13]  unmatched day               YYYY-MM-DD in the shop's time zone
--   ARGV[14]  body JSON                   kept byte for byte in the record
--   ARGV[15]  idempotency TTL ms
--   ARGV[16]  conversation TTL ms
--   ARGV[17]  claim timeout ms
--   ARGV[18]  analytics TTL s
--   ARGV[19]  channel                     '' leaves it as is
--   ARGV[20]  history TTL ms
--   ARGV[21]  history max entries
--   ARGV[22]  settle                      '1' catch up with desks first; '0' receive-2.lua just did
--   ARGV[23]  basis                       '' or the conversation hash the decision read, each field
--                                          and value as <byte length>:<bytes> (see `encoded` below)
--   ARGV[24..] chat entries               JSON each: {role, text, offline?, ...}; `offline` is the
--                                          holding reply to show instead when no agent is online
-- Output:
--   { 1, record }   the messageId was committed before: nothing changed
--   { 0, record, conversation }   committed now; conversation = the hash as written (HGETALL)
--   { 2, conversation }   a basis was given and the hash is no longer it: nothing written (settle()
--                   aside), decide again on this one
--   record = {"body":<ARGV[14]>,"ticket":<ref or null>,"replies":[bot lines as recorded]}
--   ref    = {id, position, priority, reason, created, agentsOnline}
--   error AR_BAD_INPUT ..., before any write, when an entry or number does not decode
-- Keys not declared: conv:, history:, ticket:, chat:, q:<priority>, waiting, fresh, created, ...
--   (README "The queue in Redis"), all under base, so in KEYS[1]'s hash tag (one cluster slot).
local idem_key = KEYS[1]
local conversation_id, buyer_id, last_seen_at = ARGV[3], ARGV[4], ARGV[5]
local pending_mode, pending_json = ARGV[6], ARGV[7]
local handoff_reason, handoff_priority, new_ticket_id = ARGV[8], ARGV[9], ARGV[10]
local unmatched_key, unmatched_text, unmatched_day = ARGV[11], ARGV[12], ARGV[13]
local body_json = ARGV[14]
local idem_ttl, conv_ttl, claim_timeout, analytics_ttl = tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17]), tonumber(ARGV[18])
local channel, history_ttl, history_max = ARGV[19], tonumber(ARGV[20]), tonumber(ARGV[21])
local must_settle = ARGV[22] == '1'
local basis = ARGV[23]
local FIRST_ENTRY = 24

local existing = redis.call('GET', idem_key)
if existing then return { 1, existing } end

-- Check everything that can fail before the first write: a Lua error does not roll back the writes
-- before it, so a chat entry cjson rejects (a lone surrogate's escape) once left a ticket waiting
-- with an empty chat and no idempotency record, and every retry failed the same way.
local function bad(what) return redis.error_reply('AR_BAD_INPUT ' .. what) end
local entries = {}
for i = FIRST_ENTRY, #ARGV do
  local ok, e = pcall(cjson.decode, ARGV[i])
  if not ok or type(e) ~= 'table' or type(e.text) ~= 'string' or (e.offline ~= nil and type(e.offline) ~= 'string') then
    return bad('chat entry ' .. (i - FIRST_ENTRY + 1) .. ' is not a JSON object with a text')
  end
  entries[#entries + 1] = { json = ARGV[i], e = e }
end
if not tonumber(last_seen_at) then return bad('lastSeenAt is not a number') end
if not (idem_ttl and conv_ttl and claim_timeout and analytics_ttl and history_ttl and history_max) then
  return bad('a TTL, the claim timeout or the history length is not a number')
end
-- the body is not decoded: the store writes it with JSON.stringify and only ever concatenates it
if pending_mode == 'set' and not pcall(cjson.decode, pending_json) then return bad('the pending question is not JSON') end
if handoff_reason ~= '' and handoff_priority ~= URGENT and handoff_priority ~= NORMAL then
  return bad('the handoff priority is neither urgent nor normal')
end

if must_settle then settle(claim_timeout) end

-- The hash as one string, every field and value preceded by its length, so that no two different
-- hashes read the same (a buyerId holding the separator cannot make a stale copy look current).
local function encoded(flat)
  local parts = {}
  for i, v in ipairs(flat) do parts[i] = #v .. ':' .. v end
  return table.concat(parts)
end

-- A decision taken on the service's own copy of the conversation (no receive-2.lua before it)
-- stands only while the conversation is that copy: another instance, a desk's claim or a lapsed
-- claim changed it otherwise, and the caller decides again on the state returned.
-- Each command a script calls costs more than the command itself (the call into Redis and the
-- reply back into Lua): the conversation is read once (the basis check's HGETALL, or one HMGET) and
-- written with one HSET at the end (conv_fields), the ticket hash with one HSET, and trims run only
-- when there is something to trim.
local conv = base .. 'conv:' .. conversation_id
local ticket, last_agent = false, false
if basis ~= '' then
  local current = redis.call('HGETALL', conv)
  if encoded(current) ~= basis then return { 2, current } end
  for i = 1, #current, 2 do
    local field = current[i]
    if field == 'ticketId' then ticket = current[i + 1] elseif field == 'lastAgentId' then last_agent = current[i + 1] end
  end
else
  ticket, last_agent = unpack(redis.call('HMGET', conv, 'ticketId', 'lastAgentId'))
end
if last_agent == '' then last_agent = false end
if ticket and redis.call('EXISTS', base .. 'ticket:' .. ticket) == 0 then
  redis.call('HDEL', conv, 'ticketId', 'ticketStatus', 'agentId')
  ticket = false
end
local conv_fields = { 'lastSeenAt', last_seen_at, 'buyerId', buyer_id }
local function conv_set(field, value) conv_fields[#conv_fields + 1] = field; conv_fields[#conv_fields + 1] = value end
if channel ~= '' then conv_set('channel', channel) end
if pending_mode == 'clear' then redis.call('HDEL', conv, 'pending')
elseif pending_mode == 'set' then conv_set('pending', pending_json) end

-- The holding reply names the queue position ({position}) and the agents online ({agents}); with
-- nobody online the buyer is told so instead (the entry's `offline` wording).
local function fill(e, position, agents)
  local text = e.text
  if e.offline and agents == 0 then text = e.offline end
  text = string.gsub(text, '{position}', tostring(position))
  return (string.gsub(text, '{agents}', tostring(agents)))
end

-- The chat goes to the open ticket (for its agent) and to the conversation's history (kept after
-- resolve, bounded and expiring), tagged with its ticket so the next agent can tell earlier tickets'
-- chat from this one. Returns the bot's lines as recorded: the replies.
local function record_chat(id, position, agents)
  local chat, lines, replies = {}, {}, {}
  local tag = id and (',"ticketId":' .. cjson.encode(id) .. '}')
  for _, entry in ipairs(entries) do
    local e, json = entry.e, entry.json
    local as_sent = e.offline == nil
    if e.role == 'bot' then
      if position then
        e.text = fill(e, position, agents)
        e.offline = nil
        json = cjson.encode(e)
        as_sent = true
      end
      replies[#replies + 1] = e.text
    end
    chat[#chat + 1] = json
    if as_sent then
      -- the entry as recorded, its ticket appended to the object: no second encoding
      lines[#lines + 1] = tag and (string.sub(json, 1, -2) .. tag) or json
    else
      e.offline = nil
      if id then e.ticketId = id end
      lines[#lines + 1] = cjson.encode(e)
    end
  end
  if #lines > 0 then
    if id then redis.call('RPUSH', base .. 'chat:' .. id, unpack(chat)) end
    local history = base .. 'history:' .. conversation_id
    if redis.call('RPUSH', history, unpack(lines)) > history_max then redis.call('LTRIM', history, -history_max, -1) end
    redis.call('PEXPIRE', history, history_ttl)
  end
  return replies
end

-- A new entry at the tail of the priority's stream, in the claim order and among the fresh
-- (never delivered) tickets that settle() watches for a desk's XREADGROUP. Returns the ticket hash's
-- queue fields, for the caller's one HSET (after its own fields), and the sequence number.
local function enqueue(id, priority, preferred)
  local seq = redis.call('INCR', base .. 'seq')
  local score = (priority == URGENT and 0 or 1) * PRIORITY_BAND + seq
  local stream = base .. 'q:' .. priority
  local fields = { 'ticket', id, 'conversation', conversation_id, 'priority', priority }
  local entry = redis.call('XADD', stream, 'NOMKSTREAM', '*', unpack(fields))
  if not entry then
    -- the shop's first ticket of this priority: the group reads from the start
    redis.call('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM')
    entry = redis.call('XADD', stream, '*', unpack(fields))
  end
  -- the agent who served this buyer last gets it first when they claim (claim-1.lua)
  if preferred then
    redis.call('ZADD', base .. 'prefer:' .. preferred, score, id)
    redis.call('PEXPIRE', base .. 'prefer:' .. preferred, DAY_MS)
  end
  redis.call('ZADD', base .. 'waiting', score, id)
  redis.call('ZADD', base .. 'fresh', score, id)
  return { 'priority', priority, 'score', score, 'stream', stream, 'entry', entry, 'delivered', '0' }, seq
end

-- Appends a field list to another (the ticket's own fields, then enqueue's).
local function joined(a, b)
  for _, v in ipairs(b) do a[#a + 1] = v end
  return a
end

local ref, replies = nil, nil
if handoff_reason ~= '' then
  local created, priority, reason = false, nil, nil
  if not ticket then
    ticket, priority, reason, created = new_ticket_id, handoff_priority, handoff_reason, true
    local own = { 'id', ticket, 'conversationId', conversation_id, 'buyerId', buyer_id,
      'reason', reason, 'status', 'waiting', 'createdAt', now }
    if last_agent then own[#own + 1] = 'preferred'; own[#own + 1] = last_agent end
    local queued, seq = enqueue(ticket, priority, last_agent)
    redis.call('HSET', base .. 'ticket:' .. ticket, unpack(joined(own, queued)))
    redis.call('ZADD', base .. 'waiting-since', now, ticket)
    redis.call('ZADD', base .. 'created', now, ticket)
    -- the day's window is read by score (stats-1.lua), so entries a day old are dropped in batches
    if seq % CREATED_TRIM_EVERY == 0 then redis.call('ZREMRANGEBYSCORE', base .. 'created', '-inf', now - DAY_MS) end
    conv_set('ticketId', ticket); conv_set('ticketStatus', 'waiting'); conv_set('agentId', '')
  else
    local t = base .. 'ticket:' .. ticket
    local status, old_stream, old_entry, preferred, claimed_at
    priority, reason, status, old_stream, old_entry, preferred, claimed_at =
      unpack(redis.call('HMGET', t, 'priority', 'reason', 'status', 'stream', 'entry', 'preferred', 'claimedAt'))
    if handoff_priority == URGENT and priority == NORMAL and status == 'waiting' then
      -- A waiting chat turns into a complaint: it moves to the urgent stream. Unless a desk read its
      -- entry since receive-2.lua settled (pending for a consumer other than the parked one): the
      -- desk has it, and the next settle() records that.
      local held = redis.call('XPENDING', old_stream, GROUP, old_entry, old_entry, 1)[1]
      if not held or held[2] == PARKED then
        redis.call('XACK', old_stream, GROUP, old_entry)
        redis.call('XDEL', old_stream, old_entry)
        priority, reason = URGENT, handoff_reason
        local queued = enqueue(ticket, priority, (preferred and not claimed_at) and preferred or false)
        redis.call('HSET', t, 'reason', reason, unpack(queued))
      end
    end
  end
  local position = redis.call('ZRANK', base .. 'waiting', ticket) or 0
  local online = redis.call('ZCOUNT', base .. 'agents', now - claim_timeout, '+inf')
  replies = record_chat(ticket, position, online)
  ref = cjson.encode({ id = ticket, position = position, priority = priority, reason = reason,
    created = created, agentsOnline = online })
else
  replies = record_chat(ticket, nil, nil)
end

if unmatched_key ~= '' then
  local day = base .. 'unmatched:' .. unmatched_day
  redis.call('ZINCRBY', day, 1, unmatched_key)
  redis.call('EXPIRE', day, analytics_ttl)
  local examples = day .. ':ex:' .. unmatched_key
  redis.call('LREM', examples, 0, unmatched_text)
  if redis.call('LPUSH', examples, unmatched_text) > UNMATCHED_EXAMPLES then redis.call('LTRIM', examples, 0, UNMATCHED_EXAMPLES - 1) end
  redis.call('EXPIRE', examples, analytics_ttl)
end

redis.call('HSET', conv, unpack(conv_fields))
redis.call('PEXPIRE', conv, conv_ttl)
local quoted = {}
for i, r in ipairs(replies) do quoted[i] = cjson.encode(r) end
-- built by hand: the body stays byte for byte, and cjson would write an empty list as {}
local record = '{"body":' .. body_json .. ',"ticket":' .. (ref or 'null') .. ',"replies":[' .. table.concat(quoted, ',') .. ']}'
redis.call('SET', idem_key, record, 'PX', idem_ttl)
-- the conversation as it now is: the caller's copy for the buyer's next message
return { 0, record, redis.call('HGETALL', conv) }
