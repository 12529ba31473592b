--[[
  Records the pruner's decision for a running trial at an epoch: always the epoch decided (the
  worker may be waiting for it), and the reason when the trial is to stop.
  KEYS[1] trial hash   ARGV[1] epoch   ARGV[2] "1" to prune, "0" to continue   ARGV[3] reason
  Returns: 1 recorded; 0 not running.
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
local cur = tonumber(redis.call('HGET', KEYS[1], 'decidedEpoch') or '0')
if tonumber(ARGV[1]) > cur then redis.call('HSET', KEYS[1], 'decidedEpoch', ARGV[1]) end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'prune', ARGV[3]) end
return 1
