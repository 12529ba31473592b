--[[
  The one way a trial finishes: running → complete | pruned | failed (or waiting → failed when forced).
  Finished trials never change.
  KEYS[1] trial hash   KEYS[2] sweep hash   KEYS[3] leaderboard zset (complete)
  KEYS[4] leaderboard zset (pruned)   KEYS[5] events stream   KEYS[6] active sweeps set
  ARGV[1] new state   ARGV[2] token ("" forces: any unfinished trial, any owner)   ARGV[3] now ms
  ARGV[4] metrics JSON (complete) or ""   ARGV[5] reason or ""   ARGV[6] val loss for the event ("" none)
  ARGV[7] sweep id   ARGV[8] trial number   ARGV[9] events max length
  Returns: 1 done; 0 refused (missing, finished, or not the owner).
]]
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' and state ~= 'waiting' then return 0 end
if ARGV[2] ~= '' then
  if state ~= 'running' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
end
local new = ARGV[1]
local n = ARGV[8]
local reason = ARGV[5]
-- A pruned trial keeps the pruner's reason, followed by the worker's words.
local why = redis.call('HGET', KEYS[1], 'prune')
if new == 'pruned' and why then
  if reason ~= '' then reason = why .. '; ' .. reason else reason = why end
end
redis.call('HSET', KEYS[1], 'state', new, 'finishedAt', ARGV[3])
redis.call('HDEL', KEYS[1], 'prune')
redis.call('HINCRBY', KEYS[2], 'n:' .. state, -1)
redis.call('HINCRBY', KEYS[2], 'n:' .. new, 1)
if reason ~= '' then redis.call('HSET', KEYS[1], 'reason', reason) end
local ev = { type = 'trial.finished', sweepId = ARGV[7], trial = tonumber(n), at = tonumber(ARGV[3]), state = new }
if reason ~= '' then ev.reason = reason end
if new == 'complete' then
  redis.call('HSET', KEYS[1], 'metrics', ARGV[4])
  local loss = tonumber(ARGV[6])
  redis.call('ZADD', KEYS[3], loss, n)
  ev.valLoss = loss
  local bl = redis.call('HGET', KEYS[2], 'bestLoss')
  local best = bl and tonumber(bl) or math.huge
  if loss < best then redis.call('HSET', KEYS[2], 'bestLoss', string.format('%.17g', loss), 'bestTrial', n) end
elseif new == 'pruned' then
  local bs = redis.call('HGET', KEYS[1], 'bestValLoss')
  local b = bs and tonumber(bs) or math.huge
  if b ~= math.huge then
    redis.call('ZADD', KEYS[4], string.format('%.17g', b), n)
    ev.valLoss = b
  else
    redis.call('ZADD', KEYS[4], 'inf', n)
  end
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[9], '*', 'e', cjson.encode(ev))
return 1
