import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/index.js';
import { createShardOwnership, type ShardChange, type ShardOwnership } from '../../cluster/lease-ownership.js';
import type { LeaseStore } from '../../cluster/lease-store.js';
import { SHARDS, shardOf, stationsByShard } from '../../cluster/shard-hash.js';
import { createVirtualTime, type VirtualTime } from '../helpers/virtual-time.js';

// Shard ownership by lease in virtual time, against a fake store that keeps Redis' semantics
// (TTLs on the virtual clock); the real Redis in test/integration/cluster-alerts-lease.test.ts.
const LEASE = 9_000;
const log = createLogger({ level: 'silent' });

/** A lease store with Redis' answers on the virtual clock; a node named in `down` cannot reach it. */
function fakeStore(vt: VirtualTime): LeaseStore & { down: Set<string>; leases: Map<number, { node: string; until: number }> } {
  const leases = new Map<number, { node: string; until: number }>();
  const nodes = new Map<string, number>();
  const down = new Set<string>();
  const live = (k: number): { node: string; until: number } | undefined => {
    const l = leases.get(k);
    return l && l.until > vt.now() ? l : undefined;
  };
  const reach = async (node: string): Promise<void> => {
    await Promise.resolve();
    if (down.has(node)) throw new Error('ECONNREFUSED');
  };
  return {
    down,
    leases,
    async acquire(candidates, node, ttl, limit) {
      await reach(node);
      const out: number[] = [];
      for (const k of candidates) {
        if (out.length >= limit) break;
        const l = live(k);
        if (!l || l.node === node) {
          leases.set(k, { node, until: vt.now() + ttl });
          out.push(k);
        }
      }
      return out;
    },
    async renew(shards, node, ttl) {
      await reach(node);
      return shards.filter((k) => {
        const l = live(k);
        if (l?.node !== node) return false;
        l.until = vt.now() + ttl;
        return true;
      });
    },
    async release(shards, node) {
      await reach(node);
      for (const k of shards) if (live(k)?.node === node) leases.delete(k);
    },
    async heartbeat(node, ttl) {
      await reach(node);
      nodes.set(node, vt.now() + ttl);
      return [...nodes.values()].filter((t) => t > vt.now()).length;
    },
    async leave(node) {
      await reach(node);
      nodes.delete(node);
    },
    async holder(k) {
      return live(k)?.node;
    },
  };
}

/** Advances virtual time in small steps, letting the rounds' promises settle between them. */
async function run(vt: VirtualTime, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    vt.advanceBy(100);
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}

describe('shard hash', () => {
  it('is stable and spreads stations over the 64 shards', () => {
    expect(shardOf('BN-TEST-F001-NT1')).toBe(shardOf('BN-TEST-F001-NT1'));
    // FNV-1a of "a" is 0xe40c292c: fixed, so every node and version agrees.
    expect(shardOf('a')).toBe(0xe40c292c % 64);
    const ids = Array.from({ length: 6400 }, (_, i) => `ST-${i}`);
    const sizes = stationsByShard(ids).map((s) => s.length);
    expect(sizes).toHaveLength(SHARDS);
    expect(Math.min(...sizes)).toBeGreaterThan(50);
    expect(Math.max(...sizes)).toBeLessThan(150);
  });
});

describe('shard ownership by lease', () => {
  const nodes: ShardOwnership[] = [];
  afterEach(() => void nodes.splice(0));

  const start = async (vt: VirtualTime, store: LeaseStore, nodeId: string, changes: ShardChange[] = []): Promise<ShardOwnership> => {
    const o = createShardOwnership({ store, nodeId, leaseMs: LEASE, log, scheduler: vt.scheduler });
    o.changes$.subscribe((c) => changes.push(c));
    nodes.push(o);
    await o.start();
    return o;
  };

  it('one node takes every shard; owns() follows the station hash', async () => {
    const vt = createVirtualTime();
    const store = fakeStore(vt);
    const changes: ShardChange[] = [];
    const a = await start(vt, store, 'a', changes);
    expect(a.owned()).toHaveLength(SHARDS);
    expect(changes).toEqual([{ gained: Array.from({ length: SHARDS }, (_, i) => i), lost: [] }]);
    expect(a.owns('BN-TEST-F001-NT1')).toBe(true);
    await run(vt, 3 * LEASE);
    expect(a.owned()).toHaveLength(SHARDS);
    expect(changes).toHaveLength(1);
  });

  it('a second node gets a fair share: the first gives up half, the second takes it', async () => {
    const vt = createVirtualTime();
    const store = fakeStore(vt);
    const aChanges: ShardChange[] = [];
    const a = await start(vt, store, 'a', aChanges);
    const b = await start(vt, store, 'b');
    expect(b.owned()).toHaveLength(0);
    await run(vt, 2 * (LEASE / 3) + 100);
    expect(a.owned()).toHaveLength(32);
    expect(b.owned()).toHaveLength(32);
    expect(a.owned().filter((k) => b.ownsShard(k))).toEqual([]);
    expect(aChanges[1]!.lost).toHaveLength(32);
    // Stable afterwards.
    await run(vt, 3 * LEASE);
    expect(a.owned()).toHaveLength(32);
    expect(b.owned()).toHaveLength(32);
  });

  it('a node that stops renewing loses its shards to the other within the lease and a round, never both at once', async () => {
    const vt = createVirtualTime();
    const store = fakeStore(vt);
    const a = await start(vt, store, 'a');
    const b = await start(vt, store, 'b');
    await run(vt, LEASE);
    expect(b.owned()).toHaveLength(32);
    store.down.add('b'); // b is cut off: it can neither renew nor release
    const cutAt = vt.now();
    let bothAt: number | undefined;
    while (a.owned().length < SHARDS && vt.now() - cutAt < 3 * LEASE) {
      await run(vt, 100);
      if (a.owned().some((k) => b.ownsShard(k))) bothAt ??= vt.now();
    }
    expect(a.owned()).toHaveLength(SHARDS);
    expect(vt.now() - cutAt).toBeLessThanOrEqual(LEASE + LEASE / 3 + 200);
    // b dropped its shards locally before their leases could expire in the store.
    expect(b.owned()).toHaveLength(0);
    expect(bothAt).toBeUndefined();
  });

  it('close gives up every shard at once (drained first) so the other node takes them on its next round', async () => {
    const vt = createVirtualTime();
    const store = fakeStore(vt);
    const a = await start(vt, store, 'a');
    const b = await start(vt, store, 'b');
    await run(vt, LEASE);
    const drained: number[][] = [];
    b.setDrain(async (s) => void drained.push(s));
    await b.close();
    expect(drained).toEqual([expect.any(Array)]);
    expect(drained[0]).toHaveLength(32);
    expect([...store.leases.values()].filter((l) => l.node === 'b')).toEqual([]);
    await run(vt, LEASE / 3 + 100);
    expect(a.owned()).toHaveLength(SHARDS);
    await a.close();
  });

  it('a failed round keeps the shards while their leases hold, and the next round carries on', async () => {
    const vt = createVirtualTime();
    const store = fakeStore(vt);
    const a = await start(vt, store, 'a');
    store.down.add('a');
    await run(vt, LEASE / 3 + 100);
    expect(a.owned()).toHaveLength(SHARDS);
    store.down.delete('a');
    await run(vt, 2 * LEASE);
    expect(a.owned()).toHaveLength(SHARDS);
  });
});
