import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, loadCatalogue, packagePath, type AuditEntry, type Reading, type Route } from '../../core/index.js';
import { createDashboard, createDisplayStore, displaysFileIn, type Dashboard, type DisplayStore } from '../../dashboard/index.js';
import { createReports } from '../../reports/index.js';
import { sessionFor } from '../helpers/dashboard-session.js';

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Where the centre's routes are declared: the dashboard's REST routes and the routes main.ts mounts. */
const ROUTE_SOURCES = ['dashboard/server', 'reports', 'audit', 'relay', 'ingest'];

/**
 * Every `/api/...` path the route sources name (string literals and the regular expressions of
 * routes with an id, given one), read from the files themselves: a route added later is probed
 * without anyone editing this test.
 */
async function routePaths(): Promise<string[]> {
  const paths = new Set<string>();
  for (const folder of ROUTE_SOURCES) {
    for (const file of await readdir(packagePath(folder))) {
      if (!file.endsWith('.ts')) continue;
      const text = await readFile(join(packagePath(folder), file), 'utf8');
      for (const m of text.matchAll(/['"`](\/api\/[\w./-]*)/g)) paths.add(m[1]!);
      for (const m of text.matchAll(/\^\\\/api((?:\\\/[\w.-]+)+)/g)) paths.add(`/api${m[1]!.replaceAll('\\/', '/')}/x`);
    }
  }
  // Signing in and out are not writes of the session's own: a person may log in at a wall's browser.
  for (const entry of ['/api/display/session', '/api/login', '/api/logout']) paths.delete(entry);
  return [...paths].map((p) => (p.endsWith('/') ? `${p}x` : p)).sort();
}

describe('a display session over HTTP', () => {
  let dir: string;
  let dashboard: Dashboard;
  let displays: DisplayStore;
  let origin: string;
  const audit: AuditEntry[] = [];
  const reached: string[] = [];
  let publicPrefixes: string[] = [];

  const exchange = (token: string, from?: string) =>
    fetch(`${dashboard.url}/api/display/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: from ?? origin },
      body: JSON.stringify({ token }),
    });
  const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-display-http-'));
    const catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
    const log = createLogger({ level: 'silent' });
    const reports = createReports({ query: async () => [], catalogue, log, cacheTtlMs: 0 });
    publicPrefixes = reports.routes.filter((r) => r.public).map((r) => r.prefix);
    // A mounted route that records being reached: the refusal must come before any route.
    const spy: Route = { prefix: '/api/spy', handle: async (req) => (reached.push(`${req.method} ${req.url}`), false) };
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$: new Subject<Reading>(),
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      routes: [spy, ...reports.routes],
      login: { maxFailures: 3 },
      audit: { record: (e) => void audit.push(e) },
      log,
    });
    displays = createDisplayStore(displaysFileIn(dir));
    origin = new URL(dashboard.url).origin;
  });
  afterAll(async () => {
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exchanges a token for a read-only viewer session of its scope; /api/me says it is a display', async () => {
    const { token } = displays.add('hall', ['province:Bắc Ninh']);
    const res = await exchange(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ display: 'hall', user: { name: 'display:hall', role: 'viewer' } });
    const cookie = cookieOf(res);
    const me = await fetch(`${dashboard.url}/api/me`, { headers: { cookie } });
    expect(await me.json()).toEqual({ display: 'hall', user: { name: 'display:hall', role: 'viewer', scope: ['province:Bắc Ninh'] } });
    const stations = (await (await fetch(`${dashboard.url}/api/stations`, { headers: { cookie } })).json()) as {
      stations: Array<{ province: string }>;
    };
    expect(stations.stations.length).toBeGreaterThan(0);
    expect(stations.stations.every((s) => s.province === 'Bắc Ninh')).toBe(true);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'login', user: 'display:hall', outcome: 'ok' }));
  });

  it('every write route answers 403 ERR_READ_ONLY to a display, before any route runs; a viewer reaches them', async () => {
    const { token } = displays.add('wall', ['country']);
    const display = { cookie: cookieOf(await exchange(token)), origin };
    const { password } = await dashboard.users.add('viewer.one', 'viewer');
    const viewer = await sessionFor(dashboard.url, 'viewer.one', password);
    const paths = [...(await routePaths()), '/api/spy/anything'];
    expect(paths).toEqual(expect.arrayContaining(['/api/alerts', '/api/silences', '/api/users', '/api/users/x', '/api/reports/x']));
    const viewerCodes = new Set<string>();
    for (const path of paths) {
      for (const method of WRITE_METHODS) {
        const res = await fetch(`${dashboard.url}${path}`, {
          method,
          headers: { ...display, 'content-type': 'application/json' },
          body: '{}',
        });
        const code = ((await res.json().catch(() => ({}))) as { code?: string }).code;
        // A public route (open data) answers a display as it answers anyone without a session: none takes a write.
        if (publicPrefixes.some((p) => path.startsWith(p))) expect([path, method, res.status >= 400]).toEqual([path, method, true]);
        else expect([path, method, res.status, code]).toEqual([path, method, 403, 'ERR_READ_ONLY']);
        const asViewer = await viewer.fetch(path, { method, json: {} });
        viewerCodes.add(((await asViewer.json().catch(() => ({}))) as { code?: string }).code ?? String(asViewer.status));
      }
    }
    expect(reached.filter((r) => !r.startsWith('GET'))).toEqual(WRITE_METHODS.map((m) => `${m} /api/spy/anything`));
    expect(viewerCodes.has('ERR_READ_ONLY')).toBe(false);
    // Reads still work, and logout ends the display's session.
    expect((await fetch(`${dashboard.url}/api/alerts`, { headers: display })).status).not.toBe(403);
    expect((await fetch(`${dashboard.url}/api/logout`, { method: 'POST', headers: display })).status).toBe(204);
    expect((await fetch(`${dashboard.url}/api/me`, { headers: display })).status).toBe(401);
  });

  it('a removed display loses its session at once and its token is refused', async () => {
    const { token } = displays.add('foyer', ['country']);
    const cookie = cookieOf(await exchange(token));
    expect((await fetch(`${dashboard.url}/api/me`, { headers: { cookie } })).status).toBe(200);
    displays.remove('foyer');
    // The centre re-reads the file at most once a second: its next look ends the session.
    await vi.waitFor(async () => expect((await fetch(`${dashboard.url}/api/me`, { headers: { cookie } })).status).toBe(401), {
      timeout: 5_000,
      interval: 100,
    });
    expect((await exchange(token)).status).toBe(401);
  });

  it('wrong tokens are throttled per address like wrong passwords; a foreign origin is refused', async () => {
    expect((await exchange('a'.repeat(43), 'http://evil.example')).status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await exchange(`wrong-${i}-${'x'.repeat(40)}`)).status);
    // The address's earlier failures count too: at most three wrong tokens, then refused without a check.
    const locked = statuses.indexOf(429);
    expect(locked).toBeGreaterThan(0);
    expect(locked).toBeLessThanOrEqual(3);
    expect(statuses.slice(0, locked).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(locked).every((s) => s === 429)).toBe(true);
    // Locked means locked: even a good token from this address waits.
    expect((await exchange(displays.add('late', ['country']).token)).status).toBe(429);
    expect(audit.filter((e) => e.action === 'display_login_failed').length).toBeGreaterThanOrEqual(3);
  });
});
