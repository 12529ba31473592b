--[[
  Moves a sweep between states: running ⇄ paused; running | paused → complete | cancelled.
  Cancelling fails every waiting trial (reason "cancelled") in the same transition, so no crash can
  leave a cancelled sweep with trials waiting that nothing will ever revisit.
  KEYS[1] sweep hash   KEYS[2] active sweeps set   KEYS[3] events stream   KEYS[4] the sweep's trial index zset
  ARGV[1] new state   ARGV[2] now ms   ARGV[3] event JSON   ARGV[4] events max length   ARGV[5] sweep id
  ARGV[6] trial hash key prefix (the trial number follows it)
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
if new == 'cancelled' then
  -- As finish-trial-6.lua does for one trial forced waiting → failed, for each in number order.
  for _, n in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
    local key = ARGV[6] .. n
    if redis.call('HGET', key, 'state') == 'waiting' then
      redis.call('HSET', key, 'state', 'failed', 'finishedAt', ARGV[2], 'reason', 'cancelled')
      redis.call('HDEL', key, 'prune')
      redis.call('HINCRBY', KEYS[1], 'n:waiting', -1)
      redis.call('HINCRBY', KEYS[1], 'n:failed', 1)
      local ev = { type = 'trial.finished', sweepId = ARGV[5], trial = tonumber(n), at = tonumber(ARGV[2]), state = 'failed', reason = 'cancelled' }
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', cjson.encode(ev))
    end
  end
end
return 1
