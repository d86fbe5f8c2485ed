import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { loginAs, type DashboardSession } from '../helpers/dashboard-session.js';
import { connectLive } from '../helpers/live-client.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent byte for byte (fetch would re-encode a malformed escape) and any Host header. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ERROR_LEVEL = 50;

/** Viewer input of every route, over real HTTP: a 400 naming the parameter, never a 500 or an error-level log line. */
describe('dashboard: hostile input, foreign origins, security headers (real centre)', () => {
  let centre: TestCentre;
  let admin: DashboardSession;
  let logs: LogCapture;
  const PROXIED = 'https://quantrac.example.vn';

  beforeAll(async () => {
    logs = captureLog('info');
    centre = await startTestCentre(
      inject('influxUrl'),
      { LOG_LEVEL: 'info', DASHBOARD_ORIGINS: PROXIED },
      { logDestination: logs.destination },
    );
    admin = await loginAs(centre, 'admin');
  });
  afterAll(async () => {
    await centre?.close();
  });

  it('answers every malformed query parameter and path segment with 400 ERR_BAD_PARAM naming it, and logs no error', async () => {
    const s = centre.catalogue.stations[0]!;
    const p = s.parameters[0]!.parameter;
    const zone = centre.catalogue.zoneOf(s.id)!.id;
    const h = `/api/history?station=${s.id}&parameter=${p}`;
    const csv = `/api/history.csv?station=${s.id}`;
    const table: Array<[method: string, path: string, param: string]> = [
      ['GET', `${h}&from=9e15`, 'from'],
      ['GET', `${h}&from=12345678901234567890`, 'from'],
      ['GET', `${h}&to=9000000000000000`, 'to'],
      ['GET', `${h}&to=%E0%A4%A`, 'to'],
      ['GET', `${h}&to=-5`, 'to'],
      ['GET', `${h}&from=1&from=2`, 'from'],
      ['GET', `${h}&points=12345678901234567890`, 'points'],
      ['GET', `${h}&points=abc`, 'points'],
      ['GET', `/api/history?station=%0A&parameter=${p}`, 'station'],
      ['GET', `/api/history?station=%E0%A4%A&parameter=${p}`, 'station'],
      ['GET', `/api/history?station=${s.id}&parameter=%0A`, 'parameter'],
      ['GET', `${csv}&from=9e15`, 'from'],
      ['GET', `${csv}&to=12345678901234567890`, 'to'],
      ['GET', `${csv}&step=12345678901234567890`, 'step'],
      ['GET', `${csv}&parameter=%25`, 'parameter'],
      ['GET', `/api/history.csv?station=%0A`, 'station'],
      ['GET', `/api/stations/%E0%A4%A/availability`, 'station'],
      ['GET', `/api/stations/%0A/availability`, 'station'],
      ['GET', `/api/stations/${s.id}/availability?date=99999-01-01`, 'date'],
      ['GET', `/api/stations/${s.id}/availability?date=2026-02-30`, 'date'],
      ['GET', `/api/latest?station=%0A`, 'station'],
      ['GET', `/api/latest?station=NOPE-404`, 'station'],
      ['GET', `/api/alerts?limit=12345678901234567890`, 'limit'],
      ['GET', `/api/alerts?from=9e15`, 'from'],
      ['GET', `/api/alerts?severity=%0A`, 'severity'],
      ['GET', `/api/alerts?station=%0A`, 'station'],
      ['GET', `/api/alerts/history?to=12345678901234567890`, 'to'],
      ['GET', `/api/alerts/history?rule=%E0%A4%A`, 'rule'],
      ['GET', `/api/alerts/history?zone=%0A`, 'zone'],
      ['POST', `/api/alerts/%E0%A4%A/acknowledge`, 'id'],
      ['POST', `/api/users/%E0%A4%A`, 'name'],
      ['GET', `/api/reports/stations/%E0%A4%A/day`, 'path'],
      ['GET', `/api/reports/stations/%0A/day`, 'station'],
      ['GET', `/api/reports/stations/${s.id}/day?date=9e15`, 'date'],
      ['GET', `/api/reports/stations/${s.id}/day?format=%00`, 'format'],
      ['GET', `/api/reports/stations/${s.id}/month?month=2026-13`, 'month'],
      ['GET', `/api/reports/zones/${zone}/day?date=12345678901234567890`, 'date'],
      ['GET', `/api/open/stations/%E0%A4%A/hourly`, 'path'],
      ['GET', `/api/open/stations/${s.id}/hourly?date=%0A`, 'date'],
      ['GET', `/api/open/stations/${s.id}/hourly?format=xml`, 'format'],
      ['GET', `/api/open/zones/%0A/daily`, 'zone'],
    ];
    const headers = { ...admin.headers, 'content-type': 'application/json' };
    for (const [method, path, param] of table) {
      const res = await raw(centre.dashboardUrl, method, path, headers, method === 'POST' ? '{"disabled":true}' : undefined);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(JSON.parse(res.body), `${method} ${path}`).toMatchObject({ code: 'ERR_BAD_PARAM', param });
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
    }
    const lines = logs.lines();
    expect(lines.filter((l) => Number(l.level) >= ERROR_LEVEL)).toEqual([]);
    // Rate-limited: one line for the whole burst (one code), at info.
    const refused = logs.lines('request refused');
    expect(refused.length).toBeLessThanOrEqual(1);
    expect(refused.every((l) => Number(l.level) <= 30)).toBe(true);
  });

  it('refuses a state-changing request and the live socket from a foreign origin, whatever Host it claims', async () => {
    const evil = { host: 'evil.example', origin: 'http://evil.example', cookie: admin.cookie, 'content-type': 'application/json' };
    const post = await raw(centre.dashboardUrl, 'POST', '/api/users', evil, JSON.stringify({ name: 'mallory', role: 'admin' }));
    expect(post.status).toBe(403);
    expect(JSON.parse(post.body)).toMatchObject({ code: 'ERR_ORIGIN' });
    const login = await raw(
      centre.dashboardUrl,
      'POST',
      '/api/login',
      evil,
      JSON.stringify({ username: admin.username, password: admin.password }),
    );
    expect(login.status).toBe(403);
    const socket = connectLive(`${centre.dashboardUrl.replace('http', 'ws')}/ws`, {
      cookie: admin.cookie,
      origin: evil.origin,
      host: evil.host,
    });
    await expect(socket.opened).rejects.toThrow('upgrade refused: 403');
    socket.close();
    expect(centre.dashboard.users.get('mallory')).toBeUndefined();

    // The listening address's loopback aliases and DASHBOARD_ORIGINS are the dashboard's own.
    const port = new URL(centre.dashboardUrl).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, PROXIED]) {
      const res = await raw(
        centre.dashboardUrl,
        'POST',
        '/api/silences',
        { ...admin.headers, origin, 'content-type': 'application/json' },
        '{}',
      );
      expect(res.status, origin).not.toBe(403);
    }
  });

  it('refuses an admin disabling or demoting themselves under another spelling of their name', async () => {
    const spelled = encodeURIComponent(` ${admin.username.toUpperCase()}\t`);
    for (const change of [{ disabled: true }, { role: 'viewer' }]) {
      const res = await admin.fetch(`/api/users/${spelled}`, { json: change });
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'ERR_SELF' });
    }
    const me = await admin.fetch('/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { role: 'admin' } });
  });

  it('sends nosniff and the other security headers on /api/open, /healthz and /metrics', async () => {
    for (const [method, path] of [
      ['GET', '/api/open'],
      ['OPTIONS', '/api/open'],
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      ['POST', '/metrics'],
    ] as const) {
      const res = await raw(centre.dashboardUrl, method, path, { origin: 'https://example.org' });
      expect(res.headers['x-content-type-options'], `${method} ${path}`).toBe('nosniff');
      expect(res.headers['x-frame-options'], `${method} ${path}`).toBe('DENY');
    }
  });
});
