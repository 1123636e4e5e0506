-- Close a ticket: acknowledge and delete its stream entry, give the conversation back to the bot.
-- KEYS[1] <base>claims  ARGV[3] ticket id  ARGV[4] agentId  ARGV[5] claim timeout ms
settle(tonumber(ARGV[5]))
local id, agent = ARGV[3], ARGV[4]
local err = owned(id, agent)
if err then return err end
close_ticket(id)
redis.call('ZADD', base .. 'agents', now, agent)
return 1
