/** How many shards the stations are hashed into (docs/ARCHITECTURE.md, "Cluster mode": alert rules ownership). */
export const SHARDS = 64;

/**
 * A station's shard: FNV-1a (32 bits) of its id's UTF-16 code units, modulo `shards`. Stable
 * across nodes, processes and versions of Node (no engine hash involved), since every node must
 * agree on which lease covers a station.
 */
export function shardOf(stationId: string, shards: number = SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stationId.length; i++) {
    h ^= stationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** The stations of each shard, for the ones this node gains or loses. */
export function stationsByShard(stationIds: Iterable<string>, shards: number = SHARDS): string[][] {
  const out: string[][] = Array.from({ length: shards }, () => []);
  for (const id of stationIds) out[shardOf(id, shards)]!.push(id);
  return out;
}
