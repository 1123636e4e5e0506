-- release: gives a claimed ticket back to the queue, in its original place (ahead of newer tickets).
--
-- Input:
--   KEYS[1]  <base>claims                    claim leases (the key Redis routes the script by)
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  agentId
--   ARGV[5]  claim timeout ms
-- Output:
--   1                                        back in the queue
--   error AR_NOT_FOUND / AR_NOT_OWNER        no such open ticket / the agent does not hold it
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local id, agent, claim_timeout = ARGV[3], ARGV[4], tonumber(ARGV[5])
settle(claim_timeout)
local err = owned(id, agent)
if err then return err end
to_queue(id)
return 1
