import type { Redis } from 'ioredis';
import type { LeaseStore } from './lease-store.js';

/** Extends each lease (KEYS) whose value is this node (ARGV[1]) by ARGV[2] ms; answers 1 or 0 per key. */
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;

/**
 * Takes up to ARGV[3] of the leases (KEYS, in order) that nobody holds for this node (ARGV[1]) for
 * ARGV[2] ms, and extends one it already holds (a lease it stopped using after a stall is taken
 * back, not waited out); answers the 1-based positions taken.
 */
const ACQUIRE = `
local out = {}
local limit = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  if #out >= limit then break end
  local v = redis.call('GET', key)
  if v == false then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    out[#out + 1] = i
  elseif v == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[#out + 1] = i
  end
end
return out`;

/** Deletes each lease (KEYS) whose value is still this node (ARGV[1]). */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`;

/**
 * Shard leases in Redis (docs/ARCHITECTURE.md, "Cluster mode"): `<prefix>lease:shard:<k>` holds
 * the owner's node id with a TTL (taken when free, renewed and released by compare-and-set in
 * Lua, so a node never extends or deletes a lease another node has taken since), and
 * `<prefix>node:<id>` is each live node's heartbeat with the same TTL.
 */
export function createRedisLeaseStore(redis: Redis, prefix: string): LeaseStore {
  const leaseKey = (shard: number): string => `${prefix}lease:shard:${shard}`;
  const nodeKey = (id: string): string => `${prefix}node:${id}`;
  return {
    async acquire(candidates, nodeId, ttlMs, limit) {
      if (candidates.length === 0 || limit <= 0) return [];
      const keys = candidates.map(leaseKey);
      const taken = (await redis.eval(ACQUIRE, keys.length, ...keys, nodeId, String(ttlMs), String(limit))) as number[];
      return taken.map((i) => candidates[i - 1]!);
    },
    async renew(shards, nodeId, ttlMs) {
      if (shards.length === 0) return [];
      const held = (await redis.eval(RENEW, shards.length, ...shards.map(leaseKey), nodeId, String(ttlMs))) as number[];
      return shards.filter((_, i) => held[i] === 1);
    },
    async release(shards, nodeId) {
      if (shards.length > 0) await redis.eval(RELEASE, shards.length, ...shards.map(leaseKey), nodeId);
    },
    async heartbeat(nodeId, ttlMs) {
      await redis.set(nodeKey(nodeId), '1', 'PX', ttlMs);
      let cursor = '0';
      // SCAN may name a key twice (while the keyspace is rehashed): count names, not answers.
      const live = new Set<string>([nodeKey(nodeId)]);
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}node:*`, 'COUNT', 1000);
        cursor = next;
        for (const k of keys) live.add(k);
      } while (cursor !== '0');
      return live.size;
    },
    async leave(nodeId) {
      await redis.del(nodeKey(nodeId));
    },
    async holder(shard) {
      return (await redis.get(leaseKey(shard))) ?? undefined;
    },
  };
}
