--[[
  The owner hands a trial back unfinished (its worker is stopping): running → waiting, so the next
  attempt takes it as a fresh one and nothing shows it "running" meanwhile. The owner is dropped:
  a late write from the released attempt is refused.
  KEYS[1] trial hash   KEYS[2] sweep hash   ARGV[1] token
  Returns: 1 released; 0 refused (not running, or not the owner).
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'running' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'waiting')
redis.call('HDEL', KEYS[1], 'owner', 'prune')
redis.call('HINCRBY', KEYS[2], 'n:running', -1)
redis.call('HINCRBY', KEYS[2], 'n:waiting', 1)
return 1
