--[[
  Takes or renews a lease.
  KEYS[1] lease key   ARGV[1] owner   ARGV[2] ttl ms
  Returns: 1 held by owner now; 0 held by another.
]]
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
