import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  loadCatalogue,
  packagePath,
  type Alert,
  type AlertFilter,
  type AlertsApi,
  type AuditEntry,
  type Catalogue,
  type Presence,
  type Reading,
  type Silence,
} from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { createReports } from '../../reports/index.js';
import { sessionFor, type DashboardSession } from '../helpers/dashboard-session.js';

/**
 * Access by level on the dashboard's REST routes and the inspectors' reports (docs/SECURITY.md,
 * "Access by level"): a country admin, a province operator (Bắc Ninh) and a facility viewer
 * (F005, in Hà Nội), over loopback HTTP; InfluxDB and the alerts engine are stand-ins (the
 * scope is decided before either is asked).
 */
const BN = 'BN-YENPHONG-F001-NT1';
const HN = 'HN-QUANGMINH-F005-NT1';
const HN_OTHER = 'HN-QUANGMINH-F006-NT1';
const alertOf = (station: string, zone: string): Alert =>
  ({
    id: `${station}|COD|limit`,
    station,
    zone,
    parameter: 'COD',
    rule: 'limit',
    severity: 'warning',
    state: 'open',
    message: 'COD above the limit',
    startedAt: 1,
    firedAt: 1,
    updatedAt: 1,
  }) as unknown as Alert;

/** An alerts engine of three open alerts (Bắc Ninh, Hà Nội, the centre's own) that records what it was asked to do. */
function fakeAlerts(): AlertsApi & { acked: string[] } {
  const open = [alertOf(BN, 'YENPHONG'), alertOf(HN, 'QUANGMINH'), alertOf('centre', 'centre')];
  const silences: Silence[] = [
    { id: 's1', station: BN, from: 0, until: 9e12, by: 'x' },
    { id: 's2', station: HN, from: 0, until: 9e12, by: 'x' },
  ];
  const acked: string[] = [];
  const byFilter = (f: AlertFilter = {}) => open.filter((a) => f.station === undefined || a.station === f.station).slice(0, f.limit);
  return {
    acked,
    open: byFilter,
    history: async (f) => byFilter(f).map((alert) => ({ type: 'raised' as const, at: 1, alert })),
    acknowledge(id, by) {
      acked.push(id);
      const a = open.find((x) => x.id === id);
      return a ? { ...a, state: 'acknowledged', acknowledgedBy: by } : undefined;
    },
    silence: (input) => ({ id: 's3', from: 0, ...input }),
    silences: () => silences,
  };
}

describe('access by level: REST routes and reports answer only for stations in scope', () => {
  let dir: string;
  let catalogue: Catalogue;
  let dashboard: Dashboard;
  let alerts: ReturnType<typeof fakeAlerts>;
  const audit: AuditEntry[] = [];
  const readings$ = new Subject<Reading>();
  const presence$ = new Subject<Presence>();
  let country: DashboardSession;
  let province: DashboardSession;
  let facility: DashboardSession;

  const user = async (name: string, role: 'viewer' | 'operator' | 'admin', scope: string[]): Promise<DashboardSession> => {
    const { password } = await dashboard.users.add(name, role, undefined, scope);
    return sessionFor(dashboard.url, name, password);
  };
  const json = async (s: DashboardSession, path: string, init?: { json?: unknown }) => {
    const res = await s.fetch(path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const refusals = (target: string) => audit.filter((e) => e.action === 'scope_refused' && e.target === target);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-scope-'));
    catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
    alerts = fakeAlerts();
    const log = createLogger({ level: 'silent' });
    const auditLog = { record: (e: AuditEntry) => void audit.push(e) };
    const reports = createReports({ query: async () => [], catalogue, log, cacheTtlMs: 0, audit: auditLog });
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$,
      presence$,
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      query: async () => [],
      alerts,
      routes: reports.routes,
      audit: auditLog,
      log,
    });
    [country, province, facility] = await Promise.all([
      user('quoc.gia', 'admin', ['country']),
      user('bac.ninh', 'operator', ['province:Bắc Ninh']),
      user('cong.ty', 'viewer', ['facility:F005']),
    ]);
    const t = Date.now();
    for (const station of [BN, HN, HN_OTHER]) {
      const zone = catalogue.zoneOf(station)!.id;
      readings$.next({ station, zone, parameter: 'pH', value: 7, unit: '', status: '00', ts: t, receivedAt: t });
      presence$.next({ station, state: 'online', ts: t });
    }
  });
  afterAll(async () => {
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs each user in with their scope, shown by /api/me, and audits the logins', async () => {
    expect((await json(province, '/api/me')).body).toEqual({ user: { name: 'bac.ninh', role: 'operator', scope: ['province:Bắc Ninh'] } });
    expect((await json(facility, '/api/me')).body).toEqual({ user: { name: 'cong.ty', role: 'viewer', scope: ['facility:F005'] } });
    expect(audit.filter((e) => e.action === 'login').map((e) => e.user)).toEqual(
      expect.arrayContaining(['quoc.gia', 'bac.ninh', 'cong.ty']),
    );
    expect(audit.find((e) => e.action === 'login')?.address).toBe('127.0.0.1');
  });

  it('lists only stations in scope; one out of scope answers as one that does not exist', async () => {
    const ids = async (s: DashboardSession) => ((await json(s, '/api/stations')).body.stations as Array<{ id: string }>).map((x) => x.id);
    expect(await ids(country)).toHaveLength(catalogue.stations.length);
    const bn = await ids(province);
    expect(bn).toContain(BN);
    expect(bn.every((id) => catalogue.zoneOf(id)!.province === 'Bắc Ninh')).toBe(true);
    expect(await ids(facility)).toEqual(catalogue.stations.filter((s) => s.facilityId === 'F005').map((s) => s.id));

    const missing = await json(province, '/api/stations/NO-SUCH-STATION');
    const hidden = await json(province, `/api/stations/${HN}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ ...missing.body, error: (missing.body.error as string).replace('NO-SUCH-STATION', HN) });
    expect((await json(province, `/api/stations/${BN}`)).body.station).toMatchObject({ id: BN });
    expect(refusals(HN).length).toBeGreaterThan(0);
    expect(refusals('NO-SUCH-STATION')).toHaveLength(0);
  });

  it('latest values and presence: only stations in scope; ?station= out of scope refused as unknown', async () => {
    await vi.waitFor(async () => expect((await json(country, '/api/latest')).body.latest).toHaveLength(3), { timeout: 5000, interval: 50 });
    const stations = async (s: DashboardSession, path: string, key: string) =>
      ((await json(s, path)).body[key] as Array<{ station: string }>).map((r) => r.station).sort();
    expect(await stations(province, '/api/latest', 'latest')).toEqual([BN]);
    expect(await stations(facility, '/api/latest', 'latest')).toEqual([HN]);
    expect(await stations(province, '/api/presence', 'presence')).toEqual([BN]);
    expect(await stations(facility, '/api/presence', 'presence')).toEqual([HN]);
    const missing = await json(province, '/api/latest?station=NOPE');
    const hidden = await json(province, `/api/latest?station=${HN}`);
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body.code).toBe(missing.body.code);
  });

  it('history, its CSV and availability of a station out of scope are 404 as for an unknown one; in scope they answer', async () => {
    for (const path of [`/api/history?station=${HN}&parameter=COD`, `/api/history.csv?station=${HN}`, `/api/stations/${HN}/availability`]) {
      const res = await json(province, path);
      expect(res.status, path).toBe(404);
      expect(res.body.code, path).toBe('ERR_NO_STATION');
    }
    expect((await json(facility, `/api/history.csv?station=${BN}`)).status).toBe(404);
    expect((await province.fetch(`/api/stations/${BN}/availability`)).status).toBe(200);
    const csv = await facility.fetch(`/api/history.csv?station=${HN}`);
    expect(csv.status).toBe(200);
    await csv.text();
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'export',
        user: 'cong.ty',
        target: HN,
        outcome: 'ok',
        detail: expect.objectContaining({ rows: 0 }),
      }),
    );
    expect(refusals(HN).some((e) => e.user === 'bac.ninh' && String(e.detail?.['path']).includes('history'))).toBe(true);
  });

  it('alerts and silences: lists filtered (the centre own alerts are the country), acting out of scope is 404, a facility user 403', async () => {
    const alertIds = async (s: DashboardSession) => ((await json(s, '/api/alerts')).body.alerts as Alert[]).map((a) => a.station);
    expect(await alertIds(country)).toEqual([BN, HN, 'centre']);
    expect(await alertIds(province)).toEqual([BN]);
    expect(await alertIds(facility)).toEqual([HN]);
    expect(((await json(province, '/api/alerts/history')).body.events as Array<{ alert: Alert }>).map((e) => e.alert.station)).toEqual([
      BN,
    ]);
    expect(((await json(province, `/api/alerts?station=${HN}`)).body.alerts as Alert[]).length).toBe(0);
    expect(((await json(facility, '/api/silences')).body.silences as Silence[]).map((s) => s.station)).toEqual([HN]);

    const hnAlert = encodeURIComponent(`${HN}|COD|limit`);
    const missing = await json(province, `/api/alerts/${encodeURIComponent('NOPE|COD|limit')}/acknowledge`, { json: {} });
    const hidden = await json(province, `/api/alerts/${hnAlert}/acknowledge`, { json: {} });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe(missing.body.code);
    expect(alerts.acked).not.toContain(`${HN}|COD|limit`);
    expect(refusals(`${HN}|COD|limit`)).toHaveLength(1);

    expect((await json(facility, `/api/alerts/${hnAlert}/acknowledge`, { json: {} })).status).toBe(403);
    expect((await json(facility, '/api/silences', { json: { station: HN, durationMin: 10 } })).status).toBe(403);
    expect(alerts.acked).toEqual([]);

    const ack = await json(province, `/api/alerts/${encodeURIComponent(`${BN}|COD|limit`)}/acknowledge`, { json: {} });
    expect(ack.status).toBe(200);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'alert_ack', user: 'bac.ninh', target: `${BN}|COD|limit` }));
    expect((await json(country, `/api/alerts/${encodeURIComponent('centre|COD|limit')}/acknowledge`, { json: {} })).status).toBe(200);

    const silenced = await json(province, '/api/silences', { json: { station: HN, durationMin: 10 } });
    expect(silenced.status).toBe(404);
    expect(silenced.body.code).toBe('ERR_NO_STATION');
    expect((await json(province, '/api/silences', { json: { station: BN, durationMin: 10 } })).status).toBe(201);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'silence_add', user: 'bac.ninh', target: BN }));
  });

  it('reports: a station or zone wholly out of scope is 404 as an unknown one; a zone partly in scope shows only its stations in scope', async () => {
    const day = '2026-01-05';
    const missing = await json(province, `/api/reports/stations/NOPE/day?date=${day}`);
    const hidden = await json(province, `/api/reports/stations/${HN}/day?date=${day}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ ...missing.body, error: (missing.body.error as string).replace('NOPE', HN) });
    expect((await province.fetch(`/api/reports/stations/${HN}/month?date=2026-01&format=csv`)).status).toBe(404);
    const zoneMissing = await json(province, `/api/reports/zones/NOPE/day?date=${day}`);
    const zoneHidden = await json(province, `/api/reports/zones/QUANGMINH/day?date=${day}`);
    expect(zoneHidden.status).toBe(404);
    expect(zoneHidden.body.code).toBe(zoneMissing.body.code);
    expect(refusals('QUANGMINH')).toHaveLength(1);

    const zone = await json(facility, `/api/reports/zones/QUANGMINH/day?date=${day}`);
    expect(zone.status).toBe(200);
    expect((zone.body.stations as Array<{ station: { id: string } }>).map((s) => s.station.id)).toEqual([HN]);
    const whole = await json(country, `/api/reports/zones/QUANGMINH/day?date=${day}`);
    expect((whole.body.stations as unknown[]).length).toBeGreaterThan(1);

    const csv = await facility.fetch(`/api/reports/stations/${HN}/day?date=${day}&format=csv`);
    expect(csv.status).toBe(200);
    await csv.text();
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'export', user: 'cong.ty', target: `stations/${HN}/day`, address: '127.0.0.1' }),
    );
  });

  it('user management needs the admin role and the country scope; scopes are offered, checked and audited', async () => {
    const provinceAdmin = await user('tinh.admin', 'admin', ['province:Hà Nội']);
    expect((await json(provinceAdmin, '/api/users')).status).toBe(403);
    expect((await json(provinceAdmin, '/api/scopes')).status).toBe(403);
    expect((await json(province, '/api/users')).status).toBe(403);

    const scopes = (await json(country, '/api/scopes')).body.scopes as Array<{ scope: string; kind: string; label: string }>;
    expect(scopes[0]).toMatchObject({ scope: 'country', kind: 'country' });
    expect(scopes).toContainEqual({ scope: 'province:Bắc Ninh', kind: 'province', label: 'Bắc Ninh' });
    expect(scopes).toContainEqual({ scope: 'zone:YENPHONG', kind: 'zone', label: 'Yên Phong' });
    expect(scopes).toContainEqual(expect.objectContaining({ scope: 'facility:F001', kind: 'facility' }));

    const added = await json(country, '/api/users', { json: { name: 'hai.phong', role: 'viewer', scope: ['zone:DINHVU'] } });
    expect(added.status).toBe(201);
    expect(added.body.user).toMatchObject({ name: 'hai.phong', scope: ['zone:DINHVU'] });
    const unknown = await json(country, '/api/users', { json: { name: 'typo', role: 'viewer', scope: ['province:Bac Ninh'] } });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'ERR_UNKNOWN_SCOPE' } });
    expect(unknown.body.error).toContain('province:Bac Ninh');
    const operatorFacility = await json(country, '/api/users', { json: { name: 'cty.op', role: 'operator', scope: ['facility:F001'] } });
    expect(operatorFacility).toMatchObject({ status: 400, body: { code: 'ERR_FACILITY_SCOPE' } });

    expect((await json(country, '/api/users/hai.phong', { json: { role: 'operator', scope: ['facility:F009'] } })).body.code).toBe(
      'ERR_FACILITY_SCOPE',
    );
    const changed = await json(country, '/api/users/hai.phong', { json: { scope: ['facility:F009'] } });
    expect(changed.body.user).toMatchObject({ scope: ['facility:F009'], role: 'viewer' });
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'user_add',
        user: 'quoc.gia',
        target: 'hai.phong',
        detail: { role: 'viewer', scope: 'zone:DINHVU' },
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'user_change', target: 'hai.phong', detail: { scope: 'facility:F009' } }),
    );
    expect(JSON.stringify(audit)).not.toMatch(/password|hash/i);
  });

  it('audits a failed login without keeping an unknown name (it may be a password) and a logout', async () => {
    const login = (username: string) =>
      fetch(`${dashboard.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: country.origin },
        body: JSON.stringify({ username, password: 'wrong password!' }),
      });
    expect((await login('bac.ninh')).status).toBe(401);
    expect((await login('Hunter2-secret')).status).toBe(401);
    const failed = audit.filter((e) => e.action === 'login_failed');
    expect(failed[0]).toMatchObject({ target: 'bac.ninh', outcome: 'refused', address: '127.0.0.1' });
    expect(failed[1]?.target).toMatch(/^unknown:[0-9a-f]{12}$/);
    expect(JSON.stringify(audit)).not.toContain('Hunter2');
    await facility.fetch('/api/logout', { method: 'POST' });
    expect(audit).toContainEqual(expect.objectContaining({ action: 'logout', user: 'cong.ty' }));
  });
});
