--[[
  Records a trial as waiting, once.
  KEYS[1] trial hash   KEYS[2] sweep hash   KEYS[3] trial index zset   KEYS[4] events stream
  ARGV[1] trial number   ARGV[2] params JSON   ARGV[3] seed   ARGV[4] now ms
  ARGV[5] event JSON     ARGV[6] events max length
  Returns: 1 created, 0 already existed (unchanged).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'waiting', 'params', ARGV[2], 'seed', ARGV[3], 'createdAt', ARGV[4],
  'attempts', 0, 'epochsReported', 0)
redis.call('HINCRBY', KEYS[2], 'n:waiting', 1)
local created = tonumber(redis.call('HGET', KEYS[2], 'created') or '0')
if n + 1 > created then redis.call('HSET', KEYS[2], 'created', n + 1) end
redis.call('ZADD', KEYS[3], n, n)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[5])
return 1
