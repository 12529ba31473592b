--[[
  Appends an epoch report from the trial's owner and answers whether to go on.
  KEYS[1] trial hash   KEYS[2] epochs list   KEYS[3] sweep hash   KEYS[4] this epoch's rung hash   KEYS[5] events stream
  ARGV[1] token   ARGV[2] report JSON   ARGV[3] epoch   ARGV[4] val loss (finite, or "" when not)
  ARGV[5] event JSON   ARGV[6] events max length   ARGV[7] trial number
  Returns (ScriptCode): 1 continue; -9 stop, pruned; -3 stop, sweep cancelled; -8 stop, not the owner or not running.
  A rung hash per epoch keeps trial → best val loss up to that epoch (for pruners): one field per
  report, so a report costs the same with 10 or 10 000 trials at that epoch.
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'running' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return -8
end
local epoch = tonumber(ARGV[3])
local reported = tonumber(redis.call('HGET', KEYS[1], 'epochsReported') or '0')
if epoch <= reported then
  -- A repeated report (e.g. a retried call): keep the first.
  if redis.call('HGET', KEYS[1], 'prune') then return -9 end
  return 1
end
if epoch == 1 then redis.call('DEL', KEYS[2]) end
redis.call('RPUSH', KEYS[2], ARGV[2])
local loss = tonumber(ARGV[4])
local bs = redis.call('HGET', KEYS[1], 'bestValLoss')
local best = bs and tonumber(bs) or math.huge
if loss ~= nil and loss == loss and loss < best then best = loss end
redis.call('HSET', KEYS[1], 'epochsReported', epoch)
if best ~= math.huge then
  redis.call('HSET', KEYS[1], 'bestValLoss', string.format('%.17g', best))
  redis.call('HSET', KEYS[4], ARGV[7], string.format('%.17g', best))
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[5])
if redis.call('HGET', KEYS[3], 'state') == 'cancelled' then return -3 end
if redis.call('HGET', KEYS[1], 'prune') then return -9 end
return 1
