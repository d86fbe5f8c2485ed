/**
 * Where the shard leases and node heartbeats live (docs/ARCHITECTURE.md, "Cluster mode": alert
 * rules ownership): Redis in production (lease-redis.ts), a fake in the unit tests, so that the
 * ownership's rounds run in virtual time.
 */
export interface LeaseStore {
  /**
   * Takes up to `limit` of `candidates`, in order, that nobody else holds, for `ttlMs` (one it
   * holds already counts, renewed); returns the ones taken. One round trip however many are held.
   */
  acquire(candidates: readonly number[], nodeId: string, ttlMs: number, limit: number): Promise<number[]>;
  /** Extends the leases `nodeId` still holds (compare-and-set); returns those still held. */
  renew(shards: readonly number[], nodeId: string, ttlMs: number): Promise<number[]>;
  /** Deletes the leases `nodeId` still holds; one another node took since is left alone. */
  release(shards: readonly number[], nodeId: string): Promise<void>;
  /** Marks the node alive for `ttlMs`; answers how many nodes are alive now, itself included. */
  heartbeat(nodeId: string, ttlMs: number): Promise<number>;
  /** Removes the node's heartbeat (a clean close), so the others' fair share grows at once. */
  leave(nodeId: string): Promise<void>;
  /** The node holding a shard's lease, if any. */
  holder(shard: number): Promise<string | undefined>;
}
