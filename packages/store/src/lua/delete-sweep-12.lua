--[[
  Deletes a finished or cancelled sweep and releases its dataset blob (reference-counted).
  KEYS[1] sweep hash   KEYS[2] sweeps zset   KEYS[3] active sweeps set   KEYS[4] trial index zset
  KEYS[5] leaderboard zset   KEYS[6] lease   KEYS[7] blob (or any key when none)
  KEYS[8] blob's referencing-sweeps set (or any key when none)   KEYS[9] warm-start observations
  KEYS[10] kept models zset   KEYS[11] kept models' data hash   KEYS[12] pruned leaderboard zset
  ARGV[1] sweep id   ARGV[2] trial key prefix (`…:trial:<id>:`)   ARGV[3] rung key prefix (`…:rungs:`)
  ARGV[4] highest epoch   ARGV[5] 1 when the sweep has a blob, else 0
  Returns (ScriptCode first when negative): { trials deleted, blob: 0 none | 1 removed | 2 kept (still used) , sweeps still using it }
  or { -1 } missing; { -6, state } running or paused; { -7, running trials } a cancelled sweep's
  trials are still stopping.
]]
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return { -1 } end
if state == 'running' or state == 'paused' then return { -6, state } end
local numbers = redis.call('ZRANGE', KEYS[4], 0, -1)
local running = 0
for _, n in ipairs(numbers) do
  if redis.call('HGET', ARGV[2] .. n, 'state') == 'running' then running = running + 1 end
end
if running > 0 then return { -7, running } end
for _, n in ipairs(numbers) do
  redis.call('DEL', ARGV[2] .. n, ARGV[2] .. n .. ':epochs', ARGV[2] .. n .. ':checkpoint')
end
for e = 1, tonumber(ARGV[4]) do
  redis.call('DEL', ARGV[3] .. e)
end
redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[6], KEYS[9], KEYS[10], KEYS[11], KEYS[12])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
local blob = 0
local others = 0
if ARGV[5] == '1' then
  local was = redis.call('SREM', KEYS[8], ARGV[1])
  others = redis.call('SCARD', KEYS[8])
  if was == 1 and others == 0 then
    redis.call('DEL', KEYS[7], KEYS[8])
    blob = 1
  else
    blob = 2
  end
end
return { #numbers, blob, others }
