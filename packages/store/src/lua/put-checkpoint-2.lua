--[[
  Stores a running trial's training checkpoint, from the attempt that owns the trial only (a stale
  attempt must not overwrite the current one's progress).
  KEYS[1] trial hash   KEYS[2] checkpoint string
  ARGV[1] token   ARGV[2] checkpoint bytes   ARGV[3] time to live, ms
  Returns: 1 stored; 0 refused (missing, not running, or not the owner).
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'running' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
