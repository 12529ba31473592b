--[[
  Flags a running trial to stop as pruned at its next epoch report.
  KEYS[1] trial hash   ARGV[1] reason
  Returns: 1 flagged; 0 not running.
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'prune', ARGV[1])
return 1
