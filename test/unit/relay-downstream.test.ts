import { describe, expect, it, vi } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import {
  COUNTRY,
  loadCatalogue,
  parseScope,
  stationScope,
  type AlertEvent,
  type Catalogue,
  type ForwardedMessage,
  type QuerySeries,
  type Rejection,
  type RouteUser,
} from '../../core/index.js';
import { createDownstream, RELAYED_ALERT_EVENT, type DownstreamOptions } from '../../relay/downstream.js';
import { encodeRelayedEvent } from '../../relay/downstream-lines.js';
import { createLogger } from '../../core/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const BN = 'BN-YENPHONG-F001-NT1';
const BN2 = 'BN-YENPHONG-F002-NT1';
const HN = 'HN-QUANGMINH-F005-NT1';
const ACCOUNT = 'BN-CENTRE';

const catalogue: Catalogue = await loadCatalogue('seeds/catalogue.json');

function event(station: string, type: AlertEvent['type'], at: number, extra: Partial<AlertEvent['alert']> = {}): AlertEvent {
  return {
    type,
    at,
    alert: {
      id: `${station}|COD|threshold`,
      station,
      zone: catalogue.zoneOf(station)?.id ?? 'NOWHERE',
      parameter: 'COD',
      rule: 'threshold',
      severity: 'critical',
      state: type === 'resolved' ? 'resolved' : 'firing',
      message: 'COD 162 mg/L above the limit 150 mg/L, "quoted", a\nnewline',
      value: 162,
      limit: 150,
      since: at - 60_000,
      updatedAt: at,
      ...extra,
    },
  };
}

const alertMessage = (station: string, body: unknown, account = ACCOUNT): ForwardedMessage => ({
  kind: 'alert',
  account,
  topic: `stations/${station}/alerts`,
  payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const statusMessage = (body: unknown, account = ACCOUNT): ForwardedMessage => ({
  kind: 'relay-status',
  account,
  topic: `centres/${account}/relay`,
  payload: Buffer.from(JSON.stringify(body)),
});

function setUp(over: Partial<DownstreamOptions> = {}) {
  const vt = createVirtualTime();
  const lines: string[] = [];
  const dead: Array<{ topic: string; errors: Rejection[] }> = [];
  const registry = new Registry();
  const accounts: Record<string, string[]> = { [ACCOUNT]: [BN, BN2], 'HN-CENTRE': [HN] };
  const downstream = createDownstream({
    append: async (l) => void lines.push(...l),
    deadLetter: (m, errors) => void dead.push({ topic: m.topic, errors }),
    catalogue,
    query: async () => [],
    accountStations: (a) => accounts[a],
    log: createLogger({ level: 'silent' }),
    registry,
    clock: vt.clock,
    scheduler: vt.scheduler,
    ...over,
  });
  return { vt, lines, dead, registry, downstream };
}

/** Calls a route as the dashboard's router would, and returns the status and JSON body. */
async function call(routes: ReturnType<typeof createDownstream>['routes'], url: string, user: RouteUser, method = 'GET') {
  const req = { method, url } as IncomingMessage;
  let status = 0;
  let body = '';
  const res = {
    headersSent: false,
    writeHead(s: number) {
      status = s;
      return this;
    },
    end(b: string) {
      body = b;
    },
  } as unknown as ServerResponse;
  for (const r of routes) {
    if (!url.startsWith(r.prefix)) continue;
    try {
      if (await r.handle(req, res, user)) return { status, body: JSON.parse(body) as Record<string, unknown> };
    } catch (err) {
      return { status: (err as { status: number }).status, body: { code: (err as { code: string }).code } };
    }
  }
  return { status: 404, body: {} };
}

const userIn = (...scope: string[]): RouteUser => ({
  name: 'u',
  role: 'viewer',
  scope: stationScope(catalogue, scope.length === 0 ? COUNTRY : scope.map((s) => parseScope(s))),
});

describe('downstream: relayed alert events', () => {
  it('stores a valid event as a relayed_alert_event line (escaped, at the event time) and lists it as open', async () => {
    const { vt, lines, dead, downstream } = setUp();
    const e = event(BN, 'raised', vt.now() - 5_000);
    await downstream.accept(alertMessage(BN, e));
    expect(dead).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${RELAYED_ALERT_EVENT},account=${ACCOUNT},parameter=COD,rule=threshold,severity=critical,station=${BN},type=raised,zone=YENPHONG alert=".*" ${e.at}$`,
      ),
    );
    expect(lines[0]).not.toContain('\n');
    // The field reads back as the event (line protocol: backslash and double quote escaped).
    const field = /alert="(.*)" \d+$/.exec(lines[0]!)![1]!.replace(/\\(.)/g, '$1');
    expect(JSON.parse(field)).toEqual(e);
    const { body } = await call(downstream.routes, '/api/relayed-alerts', userIn());
    expect(body).toEqual({ alerts: [{ account: ACCOUNT, event: { ...e, alert: { ...e.alert, message: e.alert.message } } }] });

    // Resolved: no longer open; an older event that arrives late does not open it again.
    await downstream.accept(alertMessage(BN, event(BN, 'resolved', vt.now())));
    await downstream.accept(alertMessage(BN, event(BN, 'escalated', vt.now() - 1_000)));
    expect((await call(downstream.routes, '/api/relayed-alerts', userIn())).body).toEqual({ alerts: [] });
    expect(lines).toHaveLength(3); // every event is in the record, in order of arrival
  });

  it('dead-letters invalid events with reasons, never throws, stores nothing of them', async () => {
    const { vt, lines, dead, downstream } = setUp();
    const ok = event(BN, 'raised', vt.now());
    await downstream.accept(alertMessage(BN, 'not json'));
    await downstream.accept(alertMessage(BN, { type: 'raised', at: 'yesterday', alert: {} }));
    await downstream.accept(alertMessage(BN2, ok)); // topic names another station
    await downstream.accept(alertMessage('BN-NOWHERE-X', event('BN-NOWHERE-X', 'raised', vt.now())));
    await downstream.accept(alertMessage(HN, event(HN, 'raised', vt.now()))); // not this account's station
    await downstream.accept(alertMessage(BN, { ...ok, alert: { ...ok.alert, id: `${BN2}|COD|threshold` } }));
    expect(lines).toEqual([]);
    expect(dead.map((d) => d.errors[0]!.code)).toEqual([
      'not_json',
      'bad_shape',
      'station_mismatch',
      'unknown_station',
      'station_mismatch',
      'bad_shape',
    ]);
    expect(dead[1]!.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['at', 'alert.id']));
  });

  it('rejects (so the relay resends) only when the record cannot be stored, and keeps nothing in memory then', async () => {
    const { vt, downstream } = setUp({ append: () => Promise.reject(new Error('disk full')) });
    await expect(downstream.accept(alertMessage(BN, event(BN, 'raised', vt.now())))).rejects.toThrow('disk full');
    expect((await call(downstream.routes, '/api/relayed-alerts', userIn())).body).toEqual({ alerts: [] });
  });

  it('restores the latest event per alert from InfluxDB (last 30 days), open ones listed, and retries while InfluxDB is down', async () => {
    const vt0 = createVirtualTime();
    const now = vt0.now();
    const stored = [event(BN, 'raised', now - 3_600_000), event(BN2, 'resolved', now - 7_200_000)];
    const queries: string[] = [];
    let down = 2;
    const query = async (q: string): Promise<QuerySeries[]> => {
      queries.push(q);
      if (down-- > 0) throw new Error('connection refused');
      return stored.map((e) => ({
        name: RELAYED_ALERT_EVENT,
        tags: { account: ACCOUNT, station: e.alert.station, parameter: 'COD', rule: 'threshold' },
        columns: ['time', 'alert'],
        values: [[e.at, JSON.stringify(e)]],
      }));
    };
    const { vt, downstream } = setUp({ query });
    let restored = false;
    void downstream.restored.then(() => (restored = true));
    // The retries wait on the virtual scheduler: time moves only as the test moves it.
    await vi.waitFor(() => expect(queries).toHaveLength(1));
    expect(restored).toBe(false);
    await vi.waitFor(() => {
      vt.advanceBy(1_000);
      expect(restored).toBe(true);
    });
    expect(queries).toHaveLength(3);
    expect(queries[2]).toMatch(/GROUP BY "account", "station", "parameter", "rule"/);
    const since = Number(/time > (\d+)ms/.exec(queries[0]!)![1]);
    expect(now - since).toBe(30 * 86_400_000);
    const { body } = await call(downstream.routes, '/api/relayed-alerts', userIn());
    expect(body).toEqual({ alerts: [{ account: ACCOUNT, event: stored[0] }] });
    await downstream.close();
  });

  it('a newer event accepted before the restore finishes is not replaced by the restored one', async () => {
    let answer: (s: QuerySeries[]) => void = () => undefined;
    const { vt, downstream } = setUp({ query: () => new Promise((resolve) => (answer = resolve)) });
    const older = event(BN, 'raised', vt.now() - 60_000);
    await downstream.accept(alertMessage(BN, event(BN, 'resolved', vt.now())));
    answer([
      {
        name: RELAYED_ALERT_EVENT,
        tags: { account: ACCOUNT },
        columns: ['time', 'alert'],
        values: [[older.at, JSON.stringify(older)]],
      },
    ]);
    await downstream.restored;
    expect((await call(downstream.routes, '/api/relayed-alerts', userIn())).body).toEqual({ alerts: [] });
  });
});

describe('downstream: relay status and the routes', () => {
  it('keeps each relay link state with seenAt and sets the lag and connected gauges; the will keeps the counts', async () => {
    const { vt, registry, dead, downstream } = setUp();
    await downstream.accept(
      statusMessage({ ts: vt.now(), connected: true, backlogBytes: 2048, backlogPoints: 40, lagMs: 1500, forwarded: 9000 }),
    );
    expect(downstream.relays()).toEqual([
      expect.objectContaining({ account: ACCOUNT, connected: true, lagMs: 1500, backlogPoints: 40, seenAt: vt.now() }),
    ]);
    expect(await registry.getSingleMetricAsString('quantrac_downstream_relay_lag_seconds')).toContain(
      `quantrac_downstream_relay_lag_seconds{account="${ACCOUNT}"} 1.5`,
    );
    vt.advanceBy(10_000);
    await downstream.accept(statusMessage({ connected: false }));
    expect(downstream.relays()[0]).toMatchObject({ connected: false, backlogPoints: 40, seenAt: vt.now() });
    expect(await registry.getSingleMetricAsString('quantrac_downstream_relay_connected')).toContain(
      `quantrac_downstream_relay_connected{account="${ACCOUNT}"} 0`,
    );
    await downstream.accept(statusMessage({ connected: 'yes' }));
    await downstream.accept({ ...statusMessage({ connected: true }, 'HN-CENTRE'), account: ACCOUNT }); // another's topic
    expect(dead.map((d) => d.errors[0]!.code)).toEqual(['bad_shape', 'bad_topic']);
  });

  it('lists a relay only to users with one of its stations in scope; relayed alerts only for stations in scope, out of scope is 404', async () => {
    const { vt, downstream } = setUp();
    await downstream.accept(statusMessage({ connected: true, lagMs: 0 }));
    await downstream.accept(statusMessage({ connected: true, lagMs: 70_000 }, 'HN-CENTRE'));
    await downstream.accept(alertMessage(BN, event(BN, 'raised', vt.now())));
    await downstream.accept(alertMessage(HN, event(HN, 'raised', vt.now()), 'HN-CENTRE'));

    const country = await call(downstream.routes, '/api/relays', userIn());
    expect((country.body.relays as Array<{ account: string; stations: number }>).map((r) => [r.account, r.stations])).toEqual([
      [ACCOUNT, 2],
      ['HN-CENTRE', 1],
    ]);
    const facility = await call(downstream.routes, '/api/relays', userIn('facility:F002'));
    expect(facility.body).toEqual({ relays: [expect.objectContaining({ account: ACCOUNT, stations: 1 })] });
    const hanoi = userIn('province:Hà Nội');
    expect(((await call(downstream.routes, '/api/relays', hanoi)).body.relays as unknown[]).length).toBe(1);
    const alerts = (await call(downstream.routes, '/api/relayed-alerts', hanoi)).body.alerts as Array<{ account: string }>;
    expect(alerts.map((a) => a.account)).toEqual(['HN-CENTRE']);
    expect(await call(downstream.routes, `/api/relayed-alerts?station=${BN}`, hanoi)).toEqual({
      status: 404,
      body: { code: 'ERR_NO_STATION' },
    });
    expect((await call(downstream.routes, `/api/relayed-alerts?station=NOPE-X1`, userIn())).status).toBe(404);
    expect((await call(downstream.routes, `/api/relayed-alerts?station=${HN}`, hanoi)).body.alerts).toHaveLength(1);
    expect((await call(downstream.routes, '/api/relays', hanoi, 'POST')).status).toBe(405);
    expect((await call(downstream.routes, '/api/relay/upstream', hanoi)).status).toBe(404); // not ours: the next route's
  });
});

describe('relayed_alert_event lines', () => {
  it('escapes tag values', () => {
    const e = event(BN, 'raised', 1);
    const line = encodeRelayedEvent({ account: 'A B,C=D', event: { ...e, alert: { ...e.alert, zone: 'Z 1' } } });
    expect(line.startsWith(`${RELAYED_ALERT_EVENT},account=A\\ B\\,C\\=D,`)).toBe(true);
    expect(line).toContain(',zone=Z\\ 1 ');
  });
});
