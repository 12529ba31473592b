--[[
  A worker takes a trial: waiting → running, or running → running under a new owner (BullMQ retried
  the job after the previous attempt stalled; that attempt's later writes are refused by token).
  KEYS[1] trial hash   KEYS[2] sweep hash   KEYS[3] events stream
  ARGV[1] token   ARGV[2] worker id   ARGV[3] now ms   ARGV[4] sweep id   ARGV[5] trial number
  ARGV[6] events max length
  Returns: attempt number (>= 1); -1 missing; -2 finished; -3 sweep cancelled.
]]
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
if state ~= 'waiting' and state ~= 'running' then return -2 end
if redis.call('HGET', KEYS[2], 'state') == 'cancelled' then return -3 end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if state == 'waiting' then
  redis.call('HINCRBY', KEYS[2], 'n:waiting', -1)
  redis.call('HINCRBY', KEYS[2], 'n:running', 1)
  redis.call('HSET', KEYS[1], 'startedAt', ARGV[3])
end
-- A new attempt starts its epoch history afresh.
redis.call('HSET', KEYS[1], 'state', 'running', 'owner', ARGV[1], 'workerId', ARGV[2], 'epochsReported', 0)
redis.call('HDEL', KEYS[1], 'bestValLoss', 'decidedEpoch')
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'e', cjson.encode({
  type = 'trial.started', sweepId = ARGV[4], trial = tonumber(ARGV[5]), at = tonumber(ARGV[3]),
  workerId = ARGV[2], attempt = attempt }))
return attempt
