--[[
  Sets a sweep's budget; a complete sweep runs again.
  KEYS[1] sweep hash   KEYS[2] active sweeps set   KEYS[3] events stream
  ARGV[1] new budget   ARGV[2] extended-event JSON (its "previous" field is filled in here)
  ARGV[3] state-event JSON (sweep.state running, appended when a complete sweep reopens)
  ARGV[4] events max length   ARGV[5] sweep id
  Returns (ScriptCode): 1 budget set; 2 budget set and the complete sweep reopened; -1 missing; -3 cancelled;
  -4 budget below the trials created; -5 a complete sweep and no trial left to run.
]]
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return -1 end
if cur == 'cancelled' then return -3 end
local budget = tonumber(ARGV[1])
local created = tonumber(redis.call('HGET', KEYS[1], 'created') or '0')
if budget < created then return -4 end
if cur == 'complete' and budget <= created then return -5 end
local previous = redis.call('HGET', KEYS[1], 'budget')
redis.call('HSET', KEYS[1], 'budget', budget)
local event = cjson.decode(ARGV[2])
event['previous'] = tonumber(previous)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', cjson.encode(event))
if cur == 'complete' then
  redis.call('HSET', KEYS[1], 'state', 'running')
  redis.call('HDEL', KEYS[1], 'finishedAt')
  redis.call('SADD', KEYS[2], ARGV[5])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[3])
  return 2
end
return 1
