import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSharedPresence, type SharedPresence } from '../../cluster/presence-shared.js';
import { createRedisSessionStore } from '../../cluster/session-store.js';
import { createLogger, loadCatalogue, packagePath, type Presence, type Reading } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { sessionFor } from '../helpers/dashboard-session.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';
import { createVirtualTime, type VirtualTime } from '../helpers/virtual-time.js';

/** The lease of nodes that must not lapse during a test (slow machines), and of those that must. */
const LONG_LEASE_MS = 30_000;
const LEASE_MS = 1500;
const log = createLogger({ level: 'silent' });

interface Node {
  local$: Subject<Presence>;
  shared: SharedPresence;
  seen: Presence[];
  vt: VirtualTime;
  redis: Redis;
}

/**
 * Presence shared by the nodes through a real Redis (cluster mode, docs/ARCHITECTURE.md "Cluster
 * mode"): each node's broker is a Subject here; the heartbeat and the dead-node check run in
 * virtual time (a node whose time does not move is one that stopped), Redis's TTLs in real time.
 */
describe('cluster presence', () => {
  let server: RedisServer;
  let prefix = 0;
  const nodes: Node[] = [];
  const clients: Redis[] = [];
  const closers: Array<() => Promise<void>> = [];

  const client = (): Redis => {
    const c = new Redis(server.url);
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const startNode = async (nodeId: string, keyPrefix = `p${prefix}:`, leaseMs = LONG_LEASE_MS, subscriber?: Redis): Promise<Node> => {
    const vt = createVirtualTime(Date.now());
    const local$ = new Subject<Presence>();
    const redis = client();
    const shared = await createSharedPresence({
      redis,
      ...(subscriber ? { subscriber } : {}),
      keyPrefix,
      nodeId,
      leaseMs,
      local$,
      log,
      scheduler: vt.scheduler,
    });
    const node: Node = { local$, shared, seen: [], vt, redis };
    shared.presence$.subscribe((p) => node.seen.push(p));
    nodes.push(node);
    return node;
  };
  const at = (station: string, state: Presence['state'], reason: Presence['reason']): Presence => ({
    station,
    state,
    ts: Date.now(),
    reason,
  });

  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    prefix++;
    await Promise.all(nodes.splice(0).map((n) => n.shared.close()));
    for (const c of closers.splice(0)) await c();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  it("emits every node's changes on every node, and keeps them in the hash for a node that starts later", async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    a.local$.next(at('S1', 'online', 'connect'));
    b.local$.next(at('S2', 'online', 'connect'));
    for (const n of [a, b]) {
      await vi.waitFor(() => expect(n.seen.map((p) => `${p.station}:${p.state}`).sort()).toEqual(['S1:online', 'S2:online']), {
        timeout: 5000,
        interval: 20,
      });
    }
    a.local$.next(at('S1', 'offline', 'will'));
    await vi.waitFor(() => expect(b.shared.current('S1')).toMatchObject({ station: 'S1', state: 'offline', reason: 'will' }), {
      timeout: 5000,
      interval: 20,
    });
    expect(b.seen.at(-1)).not.toHaveProperty('node');
    const c = await startNode('node-c');
    expect(
      c.shared
        .snapshot()
        .map((p) => `${p.station}:${p.state}`)
        .sort(),
    ).toEqual(['S1:offline', 'S2:online']);
  });

  it('a gateway that moved: the old node’s late disconnect, and a will of the old connection while its node lives, are refused', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    a.local$.next(at('S1', 'online', 'connect'));
    await vi.waitFor(() => expect(b.shared.current('S1')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    b.local$.next(at('S1', 'online', 'connect')); // reconnected to B before A noticed
    await vi.waitFor(async () => expect(JSON.parse((await a.redis.hget(`p${prefix}:presence`, 'S1'))!).node).toBe('node-b'), {
      timeout: 5000,
      interval: 20,
    });
    a.local$.next(at('S1', 'offline', 'disconnect')); // A's socket timed out later
    a.local$.next(at('S1', 'offline', 'will')); // and A fired the old connection's will
    b.local$.next(at('S9', 'online', 'connect')); // a marker: B's next change is seen after those
    await vi.waitFor(() => expect(a.shared.current('S9')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    for (const n of [a, b]) {
      expect(n.shared.current('S1')?.state).toBe('online');
      expect(n.seen.filter((p) => p.station === 'S1').map((p) => p.state)).toEqual(['online']);
    }
  });

  it('a node that stops: its stations go offline when its heartbeat lapses, or by a will fired on a survivor; online again where they reconnect', async () => {
    const a = await startNode('node-a', `p${prefix}:`, LEASE_MS);
    const b = await startNode('node-b', `p${prefix}:`, LEASE_MS);
    a.local$.next(at('S1', 'online', 'connect'));
    a.local$.next(at('S2', 'online', 'connect'));
    a.local$.next(at('S3', 'online', 'connect'));
    await vi.waitFor(() => expect(b.shared.snapshot().filter((p) => p.state === 'online')).toHaveLength(3), {
      timeout: 5000,
      interval: 20,
    });

    // A will fired on B while A lives is an old connection's: refused.
    b.local$.next(at('S1', 'offline', 'will'));
    b.vt.advanceBy(LEASE_MS); // B's heartbeat and check run; A's time stands still: A has stopped
    await new Promise((r) => setTimeout(r, 100));
    expect(b.shared.current('S1')?.state).toBe('online');

    await vi.waitFor(async () => expect(await b.redis.exists(`p${prefix}:presence:node:node-a`)).toBe(0), {
      timeout: 10_000,
      interval: 50,
    });
    b.local$.next(at('S1', 'offline', 'will')); // aedes-persistence-redis fires A's wills on a survivor
    await vi.waitFor(() => expect(b.shared.current('S1')).toMatchObject({ state: 'offline', reason: 'will' }), {
      timeout: 5000,
      interval: 20,
    });
    b.local$.next(at('S2', 'online', 'connect')); // S2's gateway reconnected to B
    b.vt.advanceBy(LEASE_MS); // B's check: S3 (no will, not reconnected) goes offline
    await vi.waitFor(() => expect(b.shared.current('S3')).toMatchObject({ state: 'offline', reason: 'disconnect' }), {
      timeout: 5000,
      interval: 20,
    });
    expect(b.shared.current('S2')?.state).toBe('online');
    expect(b.seen.filter((p) => p.station === 'S2').map((p) => p.state)).toEqual(['online']);

    // A comes back to life: its heartbeat finds the lapse and writes again the stations it last
    // reported (S3), not those another node has reported since (S1's will, S2 at B).
    b.vt.advanceBy(LEASE_MS / 3); // B's heartbeat, fresh in real time, so that A's check finds B alive
    await vi.waitFor(async () => expect(await b.redis.pttl(`p${prefix}:presence:node:node-b`)).toBeGreaterThan(LEASE_MS - 300), {
      timeout: 5000,
      interval: 10,
    });
    a.vt.advanceBy(LEASE_MS);
    await vi.waitFor(() => expect(b.shared.current('S3')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    expect(b.shared.current('S1')?.state).toBe('offline');
    expect(b.shared.current('S2')?.state).toBe('online');
    expect(JSON.parse((await b.redis.hget(`p${prefix}:presence`, 'S2'))!).node).toBe('node-b');
  });

  it('a node whose subscription was cut reloads the hash when it is back, and emits what it missed', async () => {
    const a = await startNode('node-a');
    const subscriber = client();
    const b = await startNode('node-b', `p${prefix}:`, LONG_LEASE_MS, subscriber);
    a.local$.next(at('S1', 'online', 'connect'));
    await vi.waitFor(() => expect(b.shared.current('S1')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    subscriber.disconnect();
    // Cut for sure before A publishes (ioredis closes the socket asynchronously).
    await vi.waitFor(() => expect(subscriber.status).toBe('end'), { timeout: 5000, interval: 10 });
    a.local$.next(at('S1', 'offline', 'will'));
    a.local$.next(at('S2', 'online', 'connect'));
    await vi.waitFor(() => expect(a.shared.current('S2')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    expect(b.shared.current('S1')?.state).toBe('online'); // missed while cut off
    await subscriber.connect();
    await vi.waitFor(
      () =>
        expect(
          b.shared
            .snapshot()
            .map((p) => `${p.station}:${p.state}`)
            .sort(),
        ).toEqual(['S1:offline', 'S2:online']),
      {
        timeout: 5000,
        interval: 20,
      },
    );
    a.local$.next(at('S3', 'online', 'connect')); // and follows the channel again
    await vi.waitFor(() => expect(b.shared.current('S3')?.state).toBe('online'), { timeout: 5000, interval: 20 });
  });

  it('a node starting again under its id ends the stations its earlier run had online', async () => {
    const keyPrefix = `p${prefix}:`;
    const a = await startNode('node-a', keyPrefix);
    a.local$.next(at('S1', 'online', 'connect'));
    await vi.waitFor(() => expect(a.shared.current('S1')?.state).toBe('online'), { timeout: 5000, interval: 20 });
    nodes.splice(nodes.indexOf(a), 1); // crashed: never closed
    const again = await startNode('node-a', keyPrefix);
    expect(again.shared.current('S1')).toMatchObject({ state: 'offline', reason: 'disconnect' });
  });

  it("a dashboard on node B shows a station online at node A (B's /api/presence and its live hub)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-cluster-presence-'));
    const catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
    const station = catalogue.stations[0]!.id;
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const dashboardB: Dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$: new Subject<Reading>(),
      presence$: b.shared.presence$,
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      sessionStore: (limits) => createRedisSessionStore({ redis: b.redis, keyPrefix: `p${prefix}:`, ...limits }),
      log,
    });
    closers.push(async () => {
      await dashboardB.close();
      await rm(dir, { recursive: true, force: true });
    });
    const { password } = await dashboardB.users.add('an', 'viewer');
    const viewer = await sessionFor(dashboardB.url, 'an', password);
    a.local$.next(at(station, 'online', 'connect'));
    await vi.waitFor(
      async () => {
        const body = (await (await viewer.fetch('/api/presence')).json()) as { presence: Presence[] };
        expect(body.presence.find((p) => p.station === station)?.state).toBe('online');
      },
      { timeout: 5000, interval: 50 },
    );
  });
});
