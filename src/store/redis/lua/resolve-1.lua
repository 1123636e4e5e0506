-- resolve: closes a ticket: acknowledges and deletes its stream entry, gives the conversation back to the bot.
--
-- Input:
--   KEYS[1]  <base>claims                    claim leases (the key Redis routes the script by)
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  agentId
--   ARGV[5]  claim timeout ms
-- Output:
--   1                                        closed
--   error AR_NOT_FOUND / AR_NOT_OWNER        no such open ticket / the agent does not hold it
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local id, agent, claim_timeout = ARGV[3], ARGV[4], tonumber(ARGV[5])
settle(claim_timeout)
local err = owned(id, agent)
if err then return err end
close_ticket(id)
redis.call('ZADD', base .. 'agents', now, agent)
return 1
