import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisSessionStore } from '../../cluster/session-store.js';
import { createLogger, loadCatalogue, packagePath, type Catalogue, type Reading } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { sessionFor } from '../helpers/dashboard-session.js';
import { connectLive } from '../helpers/live-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

/**
 * Dashboard sessions shared through a real Redis (cluster mode, docs/ARCHITECTURE.md "Cluster
 * mode"): two dashboards (two nodes) over real HTTP, one users file, one Redis.
 */
describe('cluster sessions: two dashboards, one Redis', () => {
  let redis: RedisServer;
  let dir: string;
  let catalogue: Catalogue;
  const clients: Redis[] = [];
  const dashboards: Dashboard[] = [];
  const log = createLogger({ level: 'silent' });

  const connect = (options: { failFast?: boolean } = {}): Redis => {
    const c = new Redis(redis.url, options.failFast ? { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: false } : {});
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const node = async (client: Redis): Promise<Dashboard> => {
    const d = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$: new Subject<Reading>(),
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      sweepMs: 200,
      sessionStore: (limits) => createRedisSessionStore({ redis: client, keyPrefix: 'qt:', ...limits }),
      log,
    });
    dashboards.push(d);
    return d;
  };

  beforeAll(async () => {
    [redis, dir, catalogue] = await Promise.all([
      startRedis(),
      mkdtemp(join(tmpdir(), 'quantrac-cluster-session-')),
      loadCatalogue(packagePath('seeds', 'catalogue.json')),
    ]);
  });
  afterAll(async () => {
    await Promise.all(dashboards.map((d) => d.close()));
    for (const c of clients) c.disconnect();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a login on A works on B; a logout on B is refused on A at once, and closes A’s live socket within the sweep period', async () => {
    const a = await node(connect());
    const b = await node(connect());
    const { password } = await a.users.add('an', 'operator');
    // The users file is shared storage, which each node follows by mtime (user-store.ts).
    await vi.waitFor(() => expect(b.users.get('an')).toBeDefined(), { timeout: 5000, interval: 50 });

    const onA = await sessionFor(a.url, 'an', password);
    const cookieOnB = { cookie: onA.cookie, origin: new URL(b.url).origin };
    const me = await fetch(`${b.url}/api/me`, { headers: cookieOnB });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('an');

    const live = connectLive(`${a.url.replace('http', 'ws')}/ws`, onA.headers);
    await live.opened;
    await vi.waitFor(() => expect(a.hub.sessionIds()).toHaveLength(1), { timeout: 5000, interval: 20 });

    const out = await fetch(`${b.url}/api/logout`, { method: 'POST', headers: cookieOnB });
    expect(out.status).toBe(204);
    expect((await onA.fetch('/api/me')).status).toBe(401);
    expect((await fetch(`${b.url}/api/me`, { headers: cookieOnB })).status).toBe(401);
    // A's sweep (every 200 ms here, 30 s by default) finds the session gone and closes its socket.
    const closed = await Promise.race([live.closed, new Promise((r) => setTimeout(() => r('still open'), 5000))]);
    expect(closed).not.toBe('still open');
    expect(a.hub.sessionIds()).toHaveLength(0);
  });

  it("ending a user's sessions on one node (disabled by an admin) ends them on every node", async () => {
    const [a, b] = dashboards as [Dashboard, Dashboard];
    const { password: adminPassword } = await a.users.add('quan.tri', 'admin');
    const { password } = await a.users.add('binh', 'viewer');
    await vi.waitFor(() => expect(b.users.get('binh')).toBeDefined(), { timeout: 5000, interval: 50 });
    const binhOnB = await sessionFor(b.url, 'binh', password);
    const admin = await sessionFor(a.url, 'quan.tri', adminPassword);
    const res = await admin.fetch('/api/users/binh', { method: 'PATCH', json: { role: 'operator' } });
    expect(res.status).toBe(200);
    expect((await binhOnB.fetch('/api/me')).status).toBe(401);
  });

  it('answers 503 when Redis cannot answer, and works again when it is back', async () => {
    const client = connect({ failFast: true });
    const a = await node(client);
    const { password } = await a.users.add('chi', 'viewer');
    const s = await sessionFor(a.url, 'chi', password);
    client.disconnect();
    const res = await s.fetch('/api/me');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('ERR_SESSIONS_UNAVAILABLE');
    await expect(connectLive(`${a.url.replace('http', 'ws')}/ws`, s.headers).opened).rejects.toThrow('upgrade refused: 503');
    await client.connect();
    expect((await s.fetch('/api/me')).status).toBe(200);
  });
});
