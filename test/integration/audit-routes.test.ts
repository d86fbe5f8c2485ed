import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRoutes, createAuditLog, type AuditLogHandle, type AuditRecord } from '../../audit/index.js';
import { createLogger, loadCatalogue, type Reading } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { WEB_DIST } from '../../main.js';
import { sessionFor, type DashboardSession } from '../helpers/dashboard-session.js';

/** GET /api/audit mounted on a real dashboard, behind its sessions, over loopback HTTP. */
describe('audit log over HTTP', () => {
  const log = createLogger({ level: 'silent' });
  let dir: string;
  let audit: AuditLogHandle;
  let dashboard: Dashboard;
  const sessions: Record<string, DashboardSession> = {};

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-audit-http-'));
    audit = await createAuditLog({ dir: join(dir, 'audit'), retentionDays: 30, log });
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue: await loadCatalogue('seeds/catalogue.json'),
      readings$: new Subject<Reading>(),
      staticDir: WEB_DIST,
      log,
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      routes: auditRoutes(audit),
    });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      await dashboard.users.add(`u-${role}`, role, `${role} password 123`);
      sessions[role] = await sessionFor(dashboard.url, `u-${role}`, `${role} password 123`);
    }
    audit.record({ action: 'login', user: 'lan', address: '10.0.0.7', outcome: 'ok' });
    audit.record({ action: 'export', user: 'lan', address: '10.0.0.7', target: 'BN-1', outcome: 'ok', detail: { rows: 10 } });
    audit.record({ action: 'login_failed', address: '10.0.0.8', target: 'eve\n{"action":"x"}', outcome: 'refused' });
    await audit.flush();
  });
  afterEach(async () => {
    await dashboard.close();
    await audit.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers admins with the entries, newest first, filtered by user, action and time', async () => {
    const get = async (query: string): Promise<AuditRecord[]> => {
      const res = await sessions.admin!.fetch(`/api/audit${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return ((await res.json()) as { entries: AuditRecord[] }).entries;
    };
    expect((await get('')).map((e) => e.action)).toEqual(['login_failed', 'export', 'login']);
    expect((await get('?user=lan')).map((e) => e.action)).toEqual(['export', 'login']);
    expect((await get('?action=export'))[0]).toMatchObject({ user: 'lan', target: 'BN-1', detail: { rows: 10 } });
    expect(await get('?limit=1')).toHaveLength(1);
    expect((await get(''))[0]!.target).toBe('eve\ufffd{"action":"x"}');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await get(`?since=${encodeURIComponent(future)}`)).toEqual([]);
    expect(await get(`?until=${Date.now() - 3_600_000}`)).toEqual([]);
  });

  it('refuses viewers and operators (403) and anyone without a session (401)', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const res = await sessions[role]!.fetch('/api/audit');
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'ERR_FORBIDDEN' });
    }
    expect((await fetch(`${dashboard.url}/api/audit`)).status).toBe(401);
  });

  it('answers a bad or unknown parameter with 400 ERR_BAD_PARAM naming it', async () => {
    const cases: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=10001', 'limit'],
      ['?limit=abc', 'limit'],
      ['?since=yesterday', 'since'],
      ['?since=1&since=2', 'since'],
      ['?action=DROP%20TABLE', 'action'],
      [`?user=${'x'.repeat(300)}`, 'user'],
      ['?since=2026-12-02&until=2026-12-01', 'until'],
      ['?foo=1', 'foo'],
    ];
    for (const [query, param] of cases) {
      const res = await sessions.admin!.fetch(`/api/audit${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'ERR_BAD_PARAM', param });
    }
  });

  it('is read-only: a POST is 405', async () => {
    const res = await sessions.admin!.fetch('/api/audit', { method: 'POST', json: {} });
    expect(res.status).toBe(405);
  });
});
