-- ticket: one open ticket with its chat, after catching up with desks' stream reads, so its status
-- and agent are current.
--
-- Input:
--   KEYS[1]  <base>ticket:<id>               the ticket hash
--   ARGV[1]  base, ARGV[2] now               (_prelude.lua)
--   ARGV[3]  ticket id
--   ARGV[4]  claim timeout ms
-- Output:
--   { ticket hash, chat }                    (ticket_reply)
--   false                                    no such open ticket
-- Keys not declared: built from base, so in KEYS[1]'s hash tag {<shop>} (one cluster slot).
local ticket_key = KEYS[1]
local id, claim_timeout = ARGV[3], tonumber(ARGV[4])
settle(claim_timeout)
if redis.call('EXISTS', ticket_key) == 0 then return false end
return ticket_reply(id)
