--[[
  Keeps a complete trial's model and evicts the models that fall out of the sweep's top
  `keepModels` (by validation loss; equal losses are ranked by trial number as text, as the leaderboard ranks them), atomically,
  so a sweep never holds more than `keepModels` models.
  KEYS[1] trial hash   KEYS[2] sweep hash   KEYS[3] leaderboard zset (complete)
  KEYS[4] kept models zset (trial → val loss)   KEYS[5] model data hash (`n:manifest`, `n:weights`)
  ARGV[1] trial number   ARGV[2] token of the attempt that completed it
  ARGV[3] manifest JSON   ARGV[4] weight bytes   ARGV[5] keepModels when the spec has none
  Returns (ScriptCode first): { 1, evicted trial numbers... } kept; { -10 } not in the top (or keepModels 0);
           { 0 } refused (missing, not complete, or not completed by this attempt).
]]
local n = ARGV[1]
if redis.call('HGET', KEYS[1], 'state') ~= 'complete' or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return { 0 } end
local loss = redis.call('ZSCORE', KEYS[3], n)
if not loss then return { 0 } end
local keep = tonumber(ARGV[5])
local spec = redis.call('HGET', KEYS[2], 'spec')
if spec then
  local ok, decoded = pcall(cjson.decode, spec)
  if ok and type(decoded) == 'table' and type(decoded.keepModels) == 'number' then keep = decoded.keepModels end
end
if keep <= 0 then return { -10 } end
redis.call('ZADD', KEYS[4], loss, n)
local evicted = {}
local over = redis.call('ZCARD', KEYS[4]) - keep
if over > 0 then
  -- The worst `over` entries: highest loss, and among equal losses the highest trial number.
  local worst = redis.call('ZREVRANGE', KEYS[4], 0, over - 1)
  for _, m in ipairs(worst) do
    redis.call('ZREM', KEYS[4], m)
    redis.call('HDEL', KEYS[5], m .. ':manifest', m .. ':weights')
    evicted[#evicted + 1] = tonumber(m)
  end
end
if redis.call('ZSCORE', KEYS[4], n) then
  redis.call('HSET', KEYS[5], n .. ':manifest', ARGV[3], n .. ':weights', ARGV[4])
  local out = { 1 }
  for _, m in ipairs(evicted) do out[#out + 1] = m end
  return out
end
-- The new model was itself the worst: nothing else changed.
return { -10 }
