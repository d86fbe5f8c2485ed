import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, StationDayReportSchema, StationMonthReportSchema, ZoneDayReportSchema } from '../../core/index.js';
import { createInfluxClient, type InfluxClient } from '../../ingest/index.js';
import { createReports, type Reports } from '../../reports/index.js';
import { startTestCentre, testDatabase, type TestCentre } from '../helpers/centre.js';
import { codDay, D1, phDay, reportsCatalogue, reportsCatalogueJson, so2HalfDay, STACK, WW, ZONE } from '../helpers/reports-fixture.js';

const LABEL = 'validity rules adopted from US/EU practice';

/** Reads a CSV answer (UTF-8 with a BOM; no quoted fields in these fixtures) into header-keyed rows. */
async function csvRows(res: Response): Promise<Array<Record<string, string>>> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [head, ...lines] = new TextDecoder()
    .decode(bytes)
    .split('\r\n')
    .filter((l) => l !== '');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

/** A GET from a chosen loopback source address, to act as another client. */
function getFrom(localAddress: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('open-data API through the running centre (no session)', () => {
  let dir: string;
  let centre: TestCentre | undefined;
  let throttled: TestCentre | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-reports-'));
    const cataloguePath = join(dir, 'catalogue.json');
    // The demo catalogue plus the test zone: the demo's alert rules and routing name its stations.
    const seed = JSON.parse(await readFile('seeds/catalogue.json', 'utf8')) as {
      parameters: Array<{ symbol: string }>;
      zones: unknown[];
      facilities: unknown[];
      stations: unknown[];
    };
    const symbols = new Set(seed.parameters.map((p) => p.symbol));
    await writeFile(
      cataloguePath,
      JSON.stringify({
        ...seed,
        parameters: [...seed.parameters, ...reportsCatalogueJson.parameters.filter((p) => !symbols.has(p.symbol))],
        zones: [...seed.zones, ...reportsCatalogueJson.zones],
        facilities: [...seed.facilities, ...reportsCatalogueJson.facilities],
        stations: [...seed.stations, ...reportsCatalogueJson.stations],
      }),
    );
    const env = { CATALOGUE: cataloguePath };
    centre = await startTestCentre(inject('influxUrl'), { ...env, OPEN_DATA_BURST_REQUESTS: '1000', REPORT_CACHE_MS: '0' });
    await centre.influx.write([...codDay(D1), ...phDay(D1), ...so2HalfDay(D1)].join('\n'));
    throttled = await startTestCentre(inject('influxUrl'), { ...env, OPEN_DATA_BURST_REQUESTS: '5', OPEN_DATA_REQUESTS_PER_MIN: '1' });
  });
  afterAll(async () => {
    await centre?.close();
    await throttled?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers a station's hourly averages and availability without a session, with CORS", async () => {
    const res = await fetch(`${centre!.dashboardUrl}/api/open/stations/${WW}/hourly?date=${D1}`, {
      headers: { origin: 'https://example.org' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = StationDayReportSchema.parse(await res.json());
    expect(body.validityRules.label).toBe(LABEL);
    const cod = body.parameters.find((p) => p.parameter === 'COD')!;
    expect(cod.hours[1]).toMatchObject({ quarters: 3, valid: true, mean: 50 });
    expect(cod.hours[2]).toMatchObject({ quarters: 2, valid: false });
    expect(cod.day).toMatchObject({ expected: 288, received: 262, availability: 90.97, exceedances: 3 });
  });

  it('sends the security headers with its JSON and CSV answers (platform sendJson, sendCsv)', async () => {
    for (const path of [
      `/api/open/stations/${WW}/hourly?date=${D1}`,
      `/api/open/stations/${WW}/hourly.csv?date=${D1}`,
      '/api/open/nowhere',
    ]) {
      const res = await fetch(`${centre!.dashboardUrl}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      await res.body?.cancel();
    }
  });

  it("mounts the inspectors' reports behind the session, the open data outside it", async () => {
    const res = await fetch(`${centre!.dashboardUrl}/api/reports/stations/${WW}/day?date=${D1}`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
    expect((await fetch(`${centre!.dashboardUrl}/api/open/stations/${WW}/hourly.csv?date=${D1}`)).status).toBe(200);
  });

  it('serves the hourly figures as CSV, and a daily CSV per zone', async () => {
    const hourly = await fetch(`${centre!.dashboardUrl}/api/open/stations/${WW}/hourly.csv?date=${D1}`);
    expect(hourly.status).toBe(200);
    expect(hourly.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(hourly.headers.get('content-disposition')).toBe(`attachment; filename="quantrac-${WW}-${D1}-hourly.csv"`);
    const hours = await csvRows(hourly);
    expect(hours).toHaveLength(3 * 24);
    expect(hours.find((r) => r.parameter === 'COD' && r.hour === '02:00')).toMatchObject({
      period: 'hour',
      start: `${D1}T02:00:00+07:00`,
      valid: 'false',
      quarter_hours_with_data: '2',
      count: '6',
      validity_rules: LABEL,
    });

    const daily = await fetch(`${centre!.dashboardUrl}/api/open/zones/${ZONE}/daily.csv?date=${D1}`);
    expect(daily.status).toBe(200);
    expect(daily.headers.get('access-control-allow-origin')).toBe('*');
    expect(daily.headers.get('content-disposition')).toBe(`attachment; filename="quantrac-${ZONE}-${D1}-daily.csv"`);
    const rows = await csvRows(daily);
    expect(rows.map((r) => `${r.station_id}/${r.parameter}`)).toEqual([`${WW}/COD`, `${WW}/pH`, `${WW}/TSS`, `${STACK}/SO2`]);
    expect(rows[0]).toMatchObject({
      period: 'day',
      date: D1,
      count: '262',
      valid: 'true',
      invalid_half_hours: '5',
      expected_values: '288',
      valid_values: '262',
      availability_pct: '90.97',
      exceedances: '3',
      limit_max: '100',
      validity_rules: LABEL,
    });
    expect(rows[3]).toMatchObject({ expected_values: '1440', valid_values: '720', availability_pct: '50', valid: 'false' });

    const json = ZoneDayReportSchema.parse(await (await fetch(`${centre!.dashboardUrl}/api/open/zones/${ZONE}/daily?date=${D1}`)).json());
    expect(json.stations).toHaveLength(2);
  });

  it('lists stations and zones, and says what it offers at /api/open', async () => {
    const index = (await (await fetch(`${centre!.dashboardUrl}/api/open`)).json()) as {
      validityRules: { label: string };
      endpoints: Record<string, string>;
    };
    expect(index.validityRules.label).toBe(LABEL);
    expect(index.endpoints.zoneDailyCsv).toContain('/daily.csv');
    const { stations } = (await (await fetch(`${centre!.dashboardUrl}/api/open/stations`)).json()) as {
      stations: Array<{ id: string; intervalS: number }>;
    };
    expect(stations.filter((s) => s.id.startsWith('TEST-')).map((s) => [s.id, s.intervalS])).toEqual([
      [WW, 300],
      [STACK, 60],
    ]);
    const { zones } = (await (await fetch(`${centre!.dashboardUrl}/api/open/zones`)).json()) as {
      zones: Array<{ id: string; stations: string[] }>;
    };
    expect(zones.find((z) => z.id === ZONE)).toEqual(expect.objectContaining({ id: ZONE, stations: [WW, STACK] }));
  });

  it('is read-only: writes get 405 with Allow, a preflight gets the allowed methods, HEAD has no body', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${centre!.dashboardUrl}/api/open/stations/${WW}/hourly?date=${D1}`, {
        method,
        body: method === 'DELETE' ? undefined : '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      await res.body?.cancel();
    }
    const preflight = await fetch(`${centre!.dashboardUrl}/api/open/stations`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const head = await fetch(`${centre!.dashboardUrl}/api/open/stations`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers unknown stations, zones, paths and bad dates with JSON errors', async () => {
    const get = async (path: string): Promise<[number, { code?: string }]> => {
      const res = await fetch(`${centre!.dashboardUrl}${path}`);
      return [res.status, (await res.json()) as { code?: string }];
    };
    expect(await get('/api/open/stations/NOPE-1/hourly')).toEqual([404, expect.objectContaining({ code: 'ERR_NOT_FOUND' })]);
    expect(await get(`/api/open/zones/NOPE/daily.csv?date=${D1}`)).toEqual([404, expect.objectContaining({ code: 'ERR_NOT_FOUND' })]);
    expect(await get('/api/open/nothing-here')).toEqual([404, expect.objectContaining({ code: 'ERR_NOT_FOUND' })]);
    expect(await get(`/api/open/stations/${WW}/hourly?date=10-03-2026`)).toEqual([
      400,
      expect.objectContaining({ code: 'ERR_BAD_PARAM', param: 'date' }),
    ]);
    expect(await get(`/api/open/stations/${WW}/hourly?date=${D1}&format=xml`)).toEqual([
      400,
      expect.objectContaining({ code: 'ERR_BAD_PARAM', param: 'format' }),
    ]);
    expect(await get('/api/open/stations/%E0%A4%A/hourly')).toEqual([
      400,
      expect.objectContaining({ code: 'ERR_BAD_PARAM', param: 'path' }),
    ]);
    // A real day outside the centre's reach is the report's own 400.
    expect(await get(`/api/open/stations/${WW}/hourly?date=2099-01-01`)).toEqual([
      400,
      expect.objectContaining({ code: 'ERR_BAD_REQUEST' }),
    ]);
  });

  it('throttles a burst per client address: 429 with Retry-After, other addresses unaffected', async () => {
    const url = `${throttled!.dashboardUrl}/api/open/stations`;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i += 1) {
      const res = await fetch(url);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(await res.json()).toMatchObject({ code: 'ERR_RATE_LIMITED' });
      } else {
        await res.body?.cancel();
      }
    }
    // A bucket of 5, refilled at 1 a minute: the sixth request within the burst is refused.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // Another client (another loopback source address) still has its whole bucket.
    const port = new URL(throttled!.dashboardUrl).port;
    expect(await getFrom('127.0.0.2', `http://127.0.0.1:${port}/api/open/stations`)).toBe(200);
  });
});

describe("inspectors' report routes (/api/reports, mounted behind the session by the dashboard)", () => {
  let influx: InfluxClient;
  let reports: Reports;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: testDatabase() });
    await influx.ensureDatabase();
    await influx.write([...codDay(D1), ...phDay(D1), ...so2HalfDay(D1)].join('\n'));
    reports = createReports({ query: (q) => influx.query(q), catalogue: reportsCatalogue(), log: createLogger({ level: 'silent' }) });
    server = createServer((req, res) => {
      void (async () => {
        for (const route of reports.routes) if ((req.url ?? '').startsWith(route.prefix) && (await route.handle(req, res))) return;
        res.writeHead(404).end();
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await reports?.close();
  });

  it('declares which routes are public: only the open data', () => {
    expect(reports.routes.map((r) => [r.prefix, r.public === true])).toEqual([
      ['/api/reports/', false],
      ['/api/open', true],
    ]);
  });

  it("serves a station's day and month and a zone's day as JSON and as CSV downloads", async () => {
    const day = StationDayReportSchema.parse(await (await fetch(`${base}/api/reports/stations/${WW}/day?date=${D1}`)).json());
    expect(day.parameters.find((p) => p.parameter === 'COD')!.day).toMatchObject({ received: 262, exceedances: 3, valid: true });
    const month = StationMonthReportSchema.parse(await (await fetch(`${base}/api/reports/stations/${WW}/month?date=2026-03`)).json());
    expect(month.parameters[0]!.month).toMatchObject({ exceedances: 3, validDays: 1 });
    const zone = ZoneDayReportSchema.parse(await (await fetch(`${base}/api/reports/zones/${ZONE}/day?date=${D1}`)).json());
    expect(zone.stations).toHaveLength(2);

    const csv = await fetch(`${base}/api/reports/stations/${WW}/day?date=${D1}&format=csv`);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-${WW}-${D1}.csv"`);
    const rows = await csvRows(csv);
    // 24 hour rows and one day row per parameter.
    expect(rows).toHaveLength(3 * 25);
    expect(rows.filter((r) => r.period === 'day').map((r) => r.parameter)).toEqual(['COD', 'pH', 'TSS']);
    const monthCsv = await csvRows(await fetch(`${base}/api/reports/stations/${WW}/month?date=2026-03&format=csv`));
    expect(monthCsv).toHaveLength(3 * 31);
    const zoneCsv = await fetch(`${base}/api/reports/zones/${ZONE}/day?date=${D1}&format=csv`);
    expect(zoneCsv.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-kcn-${ZONE}-${D1}.csv"`);
    expect(await csvRows(zoneCsv)).toHaveLength(4);
  });

  it('is read-only and answers unknown reports with 404', async () => {
    const post = await fetch(`${base}/api/reports/stations/${WW}/day`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await fetch(`${base}/api/reports/stations/${WW}/week`)).status).toBe(404);
    expect((await fetch(`${base}/api/reports/stations/NOPE-1/day?date=${D1}`)).status).toBe(404);
  });

  it('answers 503, not a crash, when InfluxDB does not answer', async () => {
    const broken = createReports({
      query: () => Promise.reject(new Error('connect ECONNREFUSED')),
      catalogue: reportsCatalogue(),
      log: createLogger({ level: 'silent' }),
    });
    const s = createServer((req, res) => void broken.routes[0]!.handle(req, res));
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    try {
      const addr = s.address();
      const res = await fetch(
        `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/reports/stations/${WW}/day?date=${D1}`,
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'ERR_REPORT_UNAVAILABLE' });
    } finally {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
      await broken.close();
    }
  });
});
