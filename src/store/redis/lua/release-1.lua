-- Give a claimed ticket back to the queue, in its original place (ahead of newer tickets).
-- KEYS[1] <base>claims  ARGV[3] ticket id  ARGV[4] agentId  ARGV[5] claim timeout ms
settle(tonumber(ARGV[5]))
local id, agent = ARGV[3], ARGV[4]
local err = owned(id, agent)
if err then return err end
to_queue(id)
return 1
