-- One open ticket with its chat, after catching up with desks' stream reads, so its status and
-- agent are current. KEYS[1] <base>ticket:<id>  ARGV[3] ticket id  ARGV[4] claim timeout ms
settle(tonumber(ARGV[4]))
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return ticket_reply(ARGV[3])
