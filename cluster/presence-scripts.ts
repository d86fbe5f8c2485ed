/**
 * Shared presence's Lua scripts (presence-shared.ts). The hash `<prefix>presence` holds each
 * station's latest state as JSON with the node that reported it; a change that is applied is
 * published on the channel `<prefix>presence` in the same script, so every node sees the changes
 * in the order the hash took them. `<prefix>presence:owned:<node>` lists the stations a node has
 * online, `<prefix>presence:nodes` the nodes that have any, and `<prefix>presence:node:<node>` is a
 * node's heartbeat (PX CLUSTER_LEASE_MS). The scripts name keys built from those lists: fine on one
 * primary (with or without Sentinel), not on Redis Cluster, which cluster mode does not use.
 */

/**
 * Applies one node's presence change. A station is online where its gateway is connected, so an
 * offline from another node than the one that has it online is refused when it is that node's
 * socket loss (`disconnect`: the gateway moved) or while that node lives (a will or status of an
 * old connection); from a dead node's stations a will is taken (aedes-persistence-redis fires it
 * on a survivor). A node writing its stations again after its heartbeat lapsed (`again`) takes
 * back only those still last reported by itself: any other node's report is newer than its
 * lapse. KEYS: hash, nodes set. ARGV: station, entry JSON, state, reason, node, heartbeat key
 * prefix, channel, owned-set prefix, again ('1' or ''). Answers 1 published, 2 kept silently
 * (same state, a new owner), 0 refused.
 */
export const APPLY_PRESENCE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local prev = nil
if cur then prev = cjson.decode(cur) end
if ARGV[9] == '1' and prev and prev.node ~= ARGV[5] then return 0 end
if prev and prev.node ~= ARGV[5] and prev.state == 'online' and ARGV[3] == 'offline' then
  if ARGV[4] == 'disconnect' or redis.call('EXISTS', ARGV[6] .. prev.node) == 1 then return 0 end
end
if prev then redis.call('SREM', ARGV[8] .. prev.node, ARGV[1]) end
if ARGV[3] == 'online' then
  redis.call('SADD', ARGV[8] .. ARGV[5], ARGV[1])
  redis.call('SADD', KEYS[2], ARGV[5])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if prev and prev.state == ARGV[3] then return 2 end
redis.call('PUBLISH', ARGV[7], ARGV[2])
return 1
`;

/**
 * Marks offline (`disconnect`) the stations still online at nodes whose heartbeat lapsed, or at
 * one named node (a node starting again under the same id: its earlier connections are gone).
 * KEYS: hash, nodes set. ARGV: heartbeat key prefix, owned-set prefix, channel, now, the named
 * node or ''. Answers how many stations went offline.
 */
export const REAP_PRESENCE = `
local ended = 0
local nodes = redis.call('SMEMBERS', KEYS[2])
if ARGV[5] ~= '' then nodes = { ARGV[5] } end
for _, n in ipairs(nodes) do
  if ARGV[5] ~= '' or redis.call('EXISTS', ARGV[1] .. n) == 0 then
    for _, s in ipairs(redis.call('SMEMBERS', ARGV[2] .. n)) do
      local cur = redis.call('HGET', KEYS[1], s)
      if cur then
        local c = cjson.decode(cur)
        if c.node == n and c.state == 'online' then
          local e = cjson.encode({ station = s, state = 'offline', ts = tonumber(ARGV[4]), reason = 'disconnect', node = n })
          redis.call('HSET', KEYS[1], s, e)
          redis.call('PUBLISH', ARGV[3], e)
          ended = ended + 1
        end
      end
    end
    redis.call('DEL', ARGV[2] .. n)
    redis.call('SREM', KEYS[2], n)
  end
end
return ended
`;
