import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readingsTopic, type Alert, type LiveSnap } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser, loginAs, loginWith, type DashboardSession } from '../helpers/dashboard-session.js';
import { connectLive, type LiveClient } from '../helpers/live-client.js';

const wsUrl = (c: TestCentre): string => `${c.dashboardUrl.replace('http', 'ws')}/ws`;

describe('dashboard HTTP and WebSocket: sessions, origins, roles, data', () => {
  let centre: TestCentre;
  let viewer: DashboardSession;
  let operator: DashboardSession;
  let admin: DashboardSession;
  const lives: LiveClient[] = [];
  const clients: MqttClient[] = [];
  const live = (headers: Record<string, string>, query = ''): LiveClient => {
    const l = connectLive(`${wsUrl(centre)}${query}`, headers);
    lives.push(l);
    return l;
  };

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'));
    [viewer, operator, admin] = await Promise.all([loginAs(centre, 'viewer'), loginAs(centre, 'operator'), loginAs(centre, 'admin')]);
  });
  afterEach(async () => {
    for (const l of lives.splice(0)) l.close();
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  });
  afterAll(async () => {
    await centre?.close();
  });

  it('refuses every API and non-public route without a session, and serves the login page', async () => {
    const url = centre.dashboardUrl;
    const station = centre.catalogue.stations[0]!.id;
    for (const path of [
      '/api/me',
      '/api/stations',
      '/api/latest',
      '/api/presence',
      `/api/history?station=${station}&parameter=COD`,
      `/api/history.csv?station=${station}`,
      `/api/stations/${station}/availability`,
      '/api/alerts',
      '/api/alerts/history',
      '/api/silences',
      '/api/users',
      `/api/reports/station/${station}?period=day&date=2026-11-27`,
      '/api/nowhere',
    ]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { code: string }).code, path).toBe('ERR_LOGIN_REQUIRED');
    }
    const ack = await fetch(`${url}/api/alerts/x/acknowledge`, {
      method: 'POST',
      headers: { origin: viewer.origin, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ack.status).toBe(401);
    // A forged or stale cookie is no session either.
    expect((await fetch(`${url}/api/me`, { headers: { cookie: 'qt_session=forged-token-forged-token-forged' } })).status).toBe(401);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<qt-app>');
  });

  it('refuses a WebSocket without a session, from a foreign Origin or with no Origin; accepts the page own', async () => {
    await expect(live({ origin: viewer.origin }).opened).rejects.toThrow('upgrade refused: 401');
    await expect(live({ cookie: viewer.cookie, origin: 'http://evil.example' }).opened).rejects.toThrow('upgrade refused: 403');
    await expect(live({ cookie: viewer.cookie }).opened).rejects.toThrow('upgrade refused: 403');
    // Bound to loopback, the dashboard's own origins are its loopback names at its port (origin-check.ts).
    await live({ cookie: viewer.cookie, origin: viewer.origin.replace('localhost', '127.0.0.1') }).opened;
    await expect(live({ cookie: viewer.cookie, origin: viewer.origin.replace(/:\d+$/, ':1') }).opened).rejects.toThrow(
      'upgrade refused: 403',
    );
    const ok = live(viewer.headers);
    await ok.opened;
    await vi.waitFor(() => expect(ok.frames[0]?.type).toBe('snap'), { timeout: 5000 });
    expect((ok.frames[0] as LiveSnap).index.stations).toHaveLength(centre.catalogue.stations.length);
  });

  it('login sets an HttpOnly, SameSite=Strict cookie; a wrong password is refused; logout ends the session and its socket', async () => {
    const { username, password } = await createTestUser(centre, 'viewer');
    const origin = new URL(centre.dashboardUrl).origin;
    const bad = await fetch(`${centre.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'wrong password' }),
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const res = await fetch(`${centre.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^qt_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = setCookie.split(';')[0]!;
    const me = await fetch(`${centre.dashboardUrl}/api/me`, { headers: { cookie } });
    expect(await me.json()).toEqual({ user: { name: username, role: 'viewer', scope: ['country'] } });
    const socket = live({ cookie, origin });
    await socket.opened;
    const out = await fetch(`${centre.dashboardUrl}/api/logout`, { method: 'POST', headers: { cookie, origin } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${centre.dashboardUrl}/api/me`, { headers: { cookie } })).status).toBe(401);
    expect((await socket.closed).code).toBe(4401);
  });

  it('refuses state-changing requests from a foreign Origin or without one (CSRF)', async () => {
    const station = centre.catalogue.stations[0]!.id;
    const body = JSON.stringify({ station, durationMin: 5 });
    for (const origin of ['http://evil.example', undefined]) {
      const headers: Record<string, string> = {
        cookie: operator.cookie,
        'content-type': 'application/json',
        ...(origin ? { origin } : {}),
      };
      const res = await fetch(`${centre.dashboardUrl}/api/silences`, { method: 'POST', headers, body });
      expect(res.status, String(origin)).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('ERR_ORIGIN');
    }
    const login = await fetch(`${centre.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(login.status).toBe(403);
    const logout = await fetch(`${centre.dashboardUrl}/api/logout`, { method: 'POST', headers: { cookie: operator.cookie } });
    expect(logout.status).toBe(403);
    expect((await operator.fetch('/api/me')).status).toBe(200);
  });

  it('enforces roles on the server: a viewer may not acknowledge or silence, an operator may; both see the alert live', async () => {
    // A station's COD at twice its limit for five minutes of measurement time (a gateway's
    // backlog with per-reading timestamps), so the threshold rule's 2-minute pending is met.
    const station = centre.catalogue.stations.find(
      (s) => s.parameters.some((p) => p.parameter === 'COD') && centre.catalogue.limitAt(s.id, 'COD', new Date()),
    )!;
    const limit = centre.catalogue.limitAt(station.id, 'COD', new Date())!.max;
    const watch = live(viewer.headers);
    await watch.opened;
    const client = await mqtt.connectAsync(centre.mqttUrl, { ...centre.credentials(station.id), clientId: `${station.id}:t` });
    clients.push(client);
    const now = Date.now();
    for (let i = 30; i >= 0; i--) {
      const ts = now - i * 10_000;
      await client.publishAsync(
        readingsTopic(station.id),
        JSON.stringify({ station: station.id, ts, readings: [{ parameter: 'COD', value: 2 * limit, unit: 'mg/L', status: '00' }] }),
        { qos: 1 },
      );
    }
    const id = `${station.id}|COD|threshold`;
    await vi.waitFor(() => expect(centre.alerts.open().map((a) => a.id)).toContain(id), { timeout: 20_000, interval: 200 });
    await vi.waitFor(() => expect(watch.alerts.some((e) => e.alert.id === id && e.type === 'raised')).toBe(true), { timeout: 10_000 });

    const list = (await (await viewer.fetch(`/api/alerts?station=${station.id}`)).json()) as { alerts: Alert[] };
    expect(list.alerts.find((a) => a.id === id)).toMatchObject({ severity: 'critical', state: 'firing', unit: 'mg/L' });
    const path = `/api/alerts/${encodeURIComponent(id)}/acknowledge`;
    const refused = await viewer.fetch(path, { json: { note: 'viewer tries' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('ERR_FORBIDDEN');
    expect((await viewer.fetch('/api/silences', { json: { station: station.id, durationMin: 10 } })).status).toBe(403);
    expect(centre.alerts.open().find((a) => a.id === id)?.state).toBe('firing');

    // Control characters in a note or reason are refused at the API (newlines are fine).
    const bell = await operator.fetch(path, { json: { note: 'gọi\u0007 nhà máy' } });
    expect(bell.status).toBe(400);
    expect(JSON.stringify(await bell.json())).toContain('control characters');
    expect(centre.alerts.open().find((a) => a.id === id)?.state).toBe('firing');
    expect((await operator.fetch('/api/silences', { json: { station: station.id, durationMin: 5, reason: 'esc\u001b[2J' } })).status).toBe(
      400,
    );
    const ok = await operator.fetch(path, { json: { note: 'đã gọi nhà máy' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { alert: Alert }).alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: operator.username,
      note: 'đã gọi nhà máy',
    });
    await vi.waitFor(() => expect(watch.alerts.some((e) => e.alert.id === id && e.type === 'acknowledged')).toBe(true), {
      timeout: 10_000,
    });
    expect((await operator.fetch(`/api/alerts/${encodeURIComponent('nope|x|threshold')}/acknowledge`, { json: {} })).status).toBe(404);

    const silence = await operator.fetch('/api/silences', {
      json: { station: station.id, parameter: 'COD', durationMin: 30, reason: 'bảo trì' },
    });
    expect(silence.status).toBe(201);
    const silences = (await (await viewer.fetch('/api/silences')).json()) as { silences: Array<{ station: string; by: string }> };
    expect(silences.silences).toContainEqual(expect.objectContaining({ station: station.id, by: operator.username }));
    expect((await operator.fetch('/api/silences', { json: { station: 'NOPE-1', durationMin: 5 } })).status).toBe(404);
    expect((await operator.fetch('/api/silences', { json: { station: station.id } })).status).toBe(400);
    // A fresh live client gets the open alert in its snapshot.
    const late = live(viewer.headers);
    await vi.waitFor(() => expect((late.frames[0] as LiveSnap | undefined)?.alerts.map((a) => a.id)).toContain(id), { timeout: 5000 });
  });

  it("answers history from InfluxDB downsampled with GROUP BY time, as JSON and CSV, and today's availability", async () => {
    // Not the station the role test drives over its limit.
    const station = centre.catalogue.stations.filter((s) => s.parameters.some((p) => p.parameter === 'COD')).at(-1)!;
    const zone = centre.catalogue.zoneOf(station.id)!.id;
    const base = Date.now() - 20 * 60_000;
    const lines: string[] = [];
    for (let i = 0; i < 60; i++)
      lines.push(`reading,station=${station.id},zone=${zone},parameter=COD,status=00 value=${10 + (i % 10)} ${base + i * 10_000}`);
    lines.push(`reading,station=${station.id},zone=${zone},parameter=COD,status=01 value=999 ${base + 700_000}`);
    await centre.influx.write(lines.join('\n'));
    const from = base - 1;
    const to = base + 20 * 60_000;
    const res = await viewer.fetch(`/api/history?station=${station.id}&parameter=COD&from=${from}&to=${to}&points=25`);
    expect(res.status).toBe(200);
    const h = (await res.json()) as {
      stepMs: number;
      unit: string;
      limit: { max: number } | null;
      points: number[][];
      flagged: Array<[number, number, string]>;
    };
    expect(h.unit).toBe('mg/L');
    expect(h.stepMs).toBe(60_000);
    expect(h.points.reduce((n, p) => n + p[4]!, 0)).toBe(60);
    for (const p of h.points) expect(p[2]! <= p[1]! && p[1]! <= p[3]!).toBe(true);
    expect(h.flagged).toEqual([[expect.any(Number), 999, '01']]);
    expect(h.limit?.max).toBeGreaterThan(0);

    const csv = await viewer.fetch(
      `/api/history.csv?station=${station.id}&parameter=COD&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
    );
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="quantrac_.+\.csv"/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: spreadsheets read "°C" right
    const rows = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(rows[0]).toBe('time_utc,time_local,station,parameter,value,unit,status');
    expect(rows).toHaveLength(62);
    expect(rows[1]).toBe(
      `${new Date(base).toISOString()},${new Date(base + 7 * 3_600_000).toISOString().slice(0, 23)}+07:00,${station.id},COD,10,mg/L,00`,
    );
    const stepped = await (
      await viewer.fetch(`/api/history.csv?station=${station.id}&parameter=COD&from=${from}&to=${to}&step=300000`)
    ).text();
    expect(stepped.split('\r\n')[0]).toBe('time_utc,time_local,station,parameter,mean,min,max,count,unit,status');

    expect((await viewer.fetch(`/api/history?station=${station.id}&parameter=NOPE`)).status).toBe(404);
    expect((await viewer.fetch(`/api/history?station=NOPE&parameter=COD`)).status).toBe(404);
    expect((await viewer.fetch(`/api/history?station=${station.id}&parameter=COD&from=10&to=5`)).status).toBe(400);
    expect((await viewer.fetch(`/api/history.csv?station=${station.id}&from=0&to=${Date.now()}`)).status).toBe(400);

    const av = (await (await viewer.fetch(`/api/stations/${station.id}/availability`)).json()) as {
      parameters: Array<{
        parameter: string;
        received: number;
        valid: number;
        expected: number;
        intervalsWithData: number;
        percent: number;
      }>;
    };
    const cod = av.parameters.find((p) => p.parameter === 'COD')!;
    // Only today's points (local midnight, UTC+7) count; the status-01 value is received, not valid.
    const midnight = Math.floor((Date.now() + 7 * 3_600_000) / 86_400_000) * 86_400_000 - 7 * 3_600_000;
    const today = (ts: number): number => (ts >= midnight ? 1 : 0);
    const valid = Array.from({ length: 60 }, (_, i) => today(base + i * 10_000)).reduce((a, b) => a + b, 0);
    expect(cod).toMatchObject({ valid, received: valid + today(base + 700_000) });
    const expected = Math.floor((Date.now() - midnight) / (station.intervalS * 1000));
    expect(Math.abs(cod.expected - expected)).toBeLessThanOrEqual(1); // computed a moment apart
    // Availability per reporting interval (core/availability.ts): 60 values 10 s apart fill the
    // intervals they fall in once each, however many land in one; never above 100 %.
    const intervalMs = station.intervalS * 1000;
    const intervals = new Set(
      Array.from({ length: 60 }, (_, i) => base + i * 10_000)
        .filter((ts) => ts >= midnight)
        .map((ts) => Math.floor((ts - midnight) / intervalMs)),
    );
    expect(cod.intervalsWithData).toBe(intervals.size);
    expect(cod.intervalsWithData).toBeLessThanOrEqual(valid);
    expect(cod.percent).toBe(cod.expected > 0 ? Math.round((intervals.size / cod.expected) * 1e4) / 100 : null);
  });

  it('lets admins manage users: a disabled user is logged out at once', async () => {
    expect((await operator.fetch('/api/users')).status).toBe(403);
    const added = await admin.fetch('/api/users', { json: { name: 'tam.nguyen', role: 'viewer' } });
    expect(added.status).toBe(201);
    const { password } = (await added.json()) as { password: string };
    const { cookie } = await loginWith(centre.dashboardUrl, 'tam.nguyen', password);
    const origin = admin.origin;
    const socket = live({ cookie, origin });
    await socket.opened;
    const listed = (await (await admin.fetch('/api/users')).json()) as { users: Array<{ name: string; hash?: string }> };
    expect(listed.users.map((u) => u.name)).toContain('tam.nguyen');
    expect(JSON.stringify(listed)).not.toContain('scrypt');
    expect((await admin.fetch('/api/users/tam.nguyen', { json: { disabled: true } })).status).toBe(200);
    expect((await fetch(`${centre.dashboardUrl}/api/me`, { headers: { cookie } })).status).toBe(401);
    expect((await socket.closed).code).toBe(4401);
    await expect(loginWith(centre.dashboardUrl, 'tam.nguyen', password)).rejects.toThrow(/401/);
    expect((await admin.fetch(`/api/users/${admin.username}`, { json: { disabled: true } })).status).toBe(409);
  });
});

describe('dashboard login throttling and TLS behind a proxy', () => {
  let centre: TestCentre | undefined;
  afterEach(async () => {
    await centre?.close();
    centre = undefined;
  });

  it('refuses an address after repeated failures while another address still logs in; Secure cookie behind TLS', async () => {
    centre = await startTestCentre(inject('influxUrl'), { DASHBOARD_LOGIN_MAX_FAILURES: '5', DASHBOARD_TRUST_PROXY: 'true' });
    const good = await createTestUser(centre, 'viewer');
    const origin = new URL(centre.dashboardUrl).origin;
    const login = (username: string, password: string, from: string, extra: Record<string, string> = {}): Promise<Response> =>
      fetch(`${centre!.dashboardUrl}/api/login`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', 'x-forwarded-for': from, ...extra },
        body: JSON.stringify({ username, password }),
      });
    for (let i = 0; i < 5; i++) expect((await login(`guess${i}`, 'wrong password', '203.0.113.7')).status).toBe(401);
    const blocked = await login(good.username, good.password, '203.0.113.7');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Behind a TLS-terminating proxy the page's origin is https://, and the cookie is Secure.
    const other = await login(good.username, good.password, '198.51.100.20', {
      'x-forwarded-proto': 'https',
      origin: origin.replace('http:', 'https:'),
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('set-cookie')).toMatch(/; Secure$/);
  });
});
