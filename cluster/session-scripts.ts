/**
 * The Redis session store's Lua scripts (session-store.ts): each step that reads and then writes
 * runs as one script, so two nodes answering requests of one session at once never interleave.
 * A session is a hash `<prefix>session:<id>` (user, createdAt, lastSeenAt) whose TTL is its
 * remaining life; a user's sessions are listed in the set `<prefix>sessions-of:<user>`, whose
 * members may outlive their sessions (TTL) and are dropped when next read. The scripts name keys
 * built from the listed ids: fine on one primary (with or without Sentinel), not on Redis Cluster,
 * which cluster mode does not use (docs/ARCHITECTURE.md, "Cluster mode").
 */

/**
 * The session, touched when its last activity is `touchEveryMs` old or more (so most requests
 * only read); an expired one is removed. KEYS: session. ARGV: now, idleMs, maxAgeMs,
 * touchEveryMs, id, user-set key prefix. Answers [user, createdAt, lastSeenAt] or nil.
 */
export const GET_SESSION = `
local f = redis.call('HMGET', KEYS[1], 'user', 'createdAt', 'lastSeenAt')
if not f[1] then return false end
local now, idle, maxAge, every = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local created, seen = tonumber(f[2]), tonumber(f[3])
if now - seen > idle or now - created > maxAge then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', ARGV[6] .. f[1], ARGV[5])
  return false
end
if now - seen >= every and now > seen then
  redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.min(idle, created + maxAge - now) + 1))
  return { f[1], f[2], ARGV[1] }
end
return f
`;

/**
 * A new session, after ending the user's oldest ones past `perUser`. KEYS: session, user's set.
 * ARGV: id, user, now, ttlMs, perUser, session key prefix, set ttlMs. Answers how many it ended.
 */
export const CREATE_SESSION = `
local live = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local c = redis.call('HGET', ARGV[6] .. m, 'createdAt')
  if c then table.insert(live, { m, tonumber(c) }) else redis.call('SREM', KEYS[2], m) end
end
table.sort(live, function(a, b) return a[2] < b[2] end)
local over = #live - tonumber(ARGV[5]) + 1
for i = 1, over do
  redis.call('DEL', ARGV[6] .. live[i][1])
  redis.call('SREM', KEYS[2], live[i][1])
end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'createdAt', ARGV[3], 'lastSeenAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
if over > 0 then return over end
return 0
`;

/** Ends one session. KEYS: session. ARGV: user-set key prefix, id. */
export const DESTROY_SESSION = `
local u = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if u then redis.call('SREM', ARGV[1] .. u, ARGV[2]) end
return 0
`;

/** Ends every session of a user. KEYS: the user's set. ARGV: session key prefix. Answers the ids that were live. */
export const DESTROY_USER = `
local gone = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('DEL', ARGV[1] .. m) == 1 then table.insert(gone, m) end
end
redis.call('DEL', KEYS[1])
return gone
`;
