--[[
  Gives a lease back if the owner holds it.
  KEYS[1] lease key   ARGV[1] owner
  Returns: 1 released; 0 not held by owner.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
