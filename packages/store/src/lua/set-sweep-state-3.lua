--[[
  Moves a sweep between states: running ⇄ paused; running | paused → complete | cancelled.
  KEYS[1] sweep hash   KEYS[2] active sweeps set   KEYS[3] events stream
  ARGV[1] new state   ARGV[2] now ms   ARGV[3] event JSON   ARGV[4] events max length   ARGV[5] sweep id
  Returns: 1 moved; 0 not allowed (or already there); -1 missing.
]]
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return -1 end
local new = ARGV[1]
if cur == new then return 0 end
if cur ~= 'running' and cur ~= 'paused' then return 0 end
if new ~= 'running' and new ~= 'paused' and new ~= 'complete' and new ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', new)
if new == 'complete' or new == 'cancelled' then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[2])
  redis.call('SREM', KEYS[2], ARGV[5])
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[3])
return 1
