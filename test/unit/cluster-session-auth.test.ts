import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadCatalogue, packagePath, type Reading, type SessionPort } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import { HttpError } from '../../platform/index.js';
import { sessionFor } from '../helpers/dashboard-session.js';
import { connectLive } from '../helpers/live-client.js';

/**
 * The dashboard over a session store that answers with promises (the shape of the cluster's Redis
 * store, core/session-port.ts), here the in-memory store behind promises, or one that fails as the
 * Redis store does when Redis cannot answer: login, REST, the live socket, logout and "end this
 * user's sessions" all take the asynchronous path over loopback HTTP.
 */
describe('dashboard over an asynchronous session store', () => {
  let dir: string;
  let dashboard: Dashboard;
  let failing = false;
  const log = createLogger({ level: 'silent' });

  const promised = (limits: { idleMs: number; maxAgeMs: number }): SessionPort => {
    const inner = createSessionStore(limits);
    const later =
      <A extends unknown[], R>(f: (...a: A) => R) =>
      async (...a: A): Promise<R> => {
        await new Promise((r) => setImmediate(r));
        if (failing) throw new HttpError(503, 'ERR_SESSIONS_UNAVAILABLE', 'sessions are unavailable; try again');
        return f(...a);
      };
    return {
      create: later(inner.create),
      get: later(inner.get),
      touch: later(inner.touch),
      destroy: later(inner.destroy),
      destroyUser: later(inner.destroyUser),
      sweep: later(inner.sweep),
      peek: later(inner.peek),
    };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-async-sessions-'));
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue: await loadCatalogue(packagePath('seeds', 'catalogue.json')),
      readings$: new Subject<Reading>(),
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      sweepMs: 100,
      sessionStore: promised,
      log,
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in, answers REST and the live socket, and logs out', async () => {
    const { password } = await dashboard.users.add('an', 'viewer');
    const s = await sessionFor(dashboard.url, 'an', password);
    expect((await s.fetch('/api/me')).status).toBe(200);
    const live = connectLive(`${dashboard.url.replace('http', 'ws')}/ws`, s.headers);
    await live.opened;
    expect((await s.fetch('/api/logout', { method: 'POST' })).status).toBe(204);
    expect((await s.fetch('/api/me')).status).toBe(401);
    await live.closed;
  });

  it("ends a user's sessions when an admin changes the account", async () => {
    const { password: adminPassword } = await dashboard.users.add('quan.tri', 'admin');
    const { password } = await dashboard.users.add('binh', 'viewer');
    const binh = await sessionFor(dashboard.url, 'binh', password);
    const admin = await sessionFor(dashboard.url, 'quan.tri', adminPassword);
    expect((await admin.fetch('/api/users/binh', { method: 'PATCH', json: { disabled: true } })).status).toBe(200);
    expect((await binh.fetch('/api/me')).status).toBe(401);
  });

  it('answers 503 (REST and the live upgrade) while the store cannot answer', async () => {
    const { password } = await dashboard.users.add('chi', 'viewer');
    const s = await sessionFor(dashboard.url, 'chi', password);
    failing = true;
    try {
      const res = await s.fetch('/api/me');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('ERR_SESSIONS_UNAVAILABLE');
      await expect(connectLive(`${dashboard.url.replace('http', 'ws')}/ws`, s.headers).opened).rejects.toThrow('upgrade refused: 503');
    } finally {
      failing = false;
    }
    expect((await s.fetch('/api/me')).status).toBe(200);
  });
});
