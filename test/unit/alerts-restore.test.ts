import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../core/index.js';
import type { QueryFn } from '../../alerts/index.js';
import { createAlertsFixture, STATION, STATION_B, ZONE, ZONE_B, type AlertsFixture } from '../helpers/alerts-fixture.js';

// Restoring open alerts on start (the query's answer faked here; the real InfluxDB in
// test/integration/alerts-restart.test.ts): no event, no notification, then business as usual.
const MIN = 60_000;
const T0 = Date.parse('2026-11-27T01:00:00Z');

const alert = (over: Partial<Alert>): Alert => ({
  id: `${STATION}|COD|threshold`,
  station: STATION,
  zone: ZONE,
  parameter: 'COD',
  rule: 'threshold',
  severity: 'critical',
  state: 'firing',
  message: 'COD 120 mg/L above the limit 75 mg/L',
  value: 120,
  limit: 75,
  unit: 'mg/L',
  since: T0 - 3_600_000,
  firedAt: T0 - 3_600_000,
  updatedAt: T0 - 3_600_000,
  ...over,
});

function fakeInflux(rows: Array<{ alert: Alert; at: number }>, queries: string[]): QueryFn {
  return async (q) => {
    queries.push(q);
    if (q.includes('FROM "alert_silence"')) {
      return [
        {
          name: 'alert_silence',
          columns: ['time', 'by', 'from', 'id', 'parameter', 'reason', 'station', 'until'],
          values: [[T0 - MIN, 'pham.d', T0 - MIN, 's-1', '*', 'maintenance', STATION_B, T0 + 3_600_000]],
        },
      ];
    }
    const station = /"station" = '([^']+)'/.exec(q)?.[1];
    return rows
      .filter((r) => station === undefined || r.alert.station === station)
      .map((r) => ({
        name: 'alert_event',
        tags: { station: r.alert.station, parameter: r.alert.parameter, rule: r.alert.rule },
        columns: ['time', 'alert'],
        values: [[r.at, JSON.stringify(r.alert)]],
      }));
  };
}

const notify = { version: 1, routes: { all: { email: ['oncall@example.vn'] } }, routing: [{ route: 'all' }] };

describe('restoring open alerts', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('puts open alerts back without any event or notification, and closes orphans quietly', async () => {
    const queries: string[] = [];
    const rows = [
      { alert: alert({}), at: T0 - 3_600_000 },
      { alert: alert({ id: `${STATION}|TSS|threshold`, parameter: 'TSS', state: 'resolved' }), at: T0 - 60_000 },
      { alert: alert({ id: 'GONE-STATION-1|COD|threshold', station: 'GONE-STATION-1' }), at: T0 - 60_000 },
      {
        alert: alert({
          id: `${STATION_B}|COD|threshold`,
          station: STATION_B,
          zone: ZONE_B,
          severity: 'warning',
          state: 'acknowledged',
          acknowledgedBy: 'le.c',
        }),
        at: T0 - 120_000,
      },
    ];
    f = await createAlertsFixture({
      query: fakeInflux(rows, queries),
      notify,
      rules: { version: 1, defaults: { threshold: { forS: 0 } } },
    });
    expect(queries[0]).toContain('FROM "alert_silence" WHERE "until" > ');
    expect(queries[1]).toBe('SELECT last("alert") AS "alert" FROM "alert_event" GROUP BY "station", "parameter", "rule"');
    expect(f.alerts.restored).toBe(2);
    expect(f.alerts.open().map((a) => [a.id, a.state, a.silenced])).toEqual([
      [`${STATION}|COD|threshold`, 'firing', undefined],
      [`${STATION_B}|COD|threshold`, 'acknowledged', true],
    ]);
    expect(f.alerts.silences()).toMatchObject([{ id: 's-1', station: STATION_B, by: 'pham.d', reason: 'maintenance' }]);
    // Only the orphan's quiet close was recorded (during start); nobody was told anything.
    expect(f.lines).toHaveLength(1);
    expect(f.lines[0]).toMatch(/^alert_event,parameter=COD,rule=threshold,severity=critical,station=GONE-STATION-1,type=resolved,/);
    expect(f.events).toEqual([]);
    await f.alerts.flush();
    expect(f.emails).toEqual([]);

    // Still above the limit: the restored alert stays as it is.
    f.reading('COD', 130);
    f.reading('COD', 140, { atMs: f.vt.now() + MIN });
    expect(f.events).toEqual([]);
    // No reminder until a full period (30 min) after the restart.
    f.vt.advanceTo(T0 + 29 * MIN);
    expect(f.ofType('reminder')).toHaveLength(0);
    f.vt.advanceTo(T0 + 30 * MIN);
    expect(f.ofType('reminder').map((e) => e.alert.id)).toEqual([`${STATION}|COD|threshold`]);
    // Back to normal: resolved after clearFor, and that is told.
    f.reading('COD', 30);
    f.reading('COD', 31, { atMs: f.vt.now() + 5 * MIN });
    expect(f.ofType('resolved').map((e) => e.alert.id)).toContain(`${STATION}|COD|threshold`);
    // (The hour without readings also raised a stale alert and the average its own: other alerts.)
    expect(f.emails.filter((e) => e.text.includes(`Alert id: ${STATION}|COD|threshold`)).map((e) => e.subject)).toEqual([
      expect.stringContaining('CRITICAL reminder: still unacknowledged: BN-TEST-F001-NT1 COD'),
      expect.stringContaining('CRITICAL resolved: BN-TEST-F001-NT1 COD'),
    ]);
  });

  it('adopts one station from InfluxDB when it moves to this node', async () => {
    const queries: string[] = [];
    const rows = [
      {
        alert: alert({ id: `${STATION_B}|*|stale`, station: STATION_B, zone: ZONE_B, parameter: '*', rule: 'stale', severity: 'warning' }),
        at: T0 - MIN,
      },
    ];
    f = await createAlertsFixture({ notify });
    expect(f.alerts.open()).toEqual([]);
    await f.alerts.close();
    f = await createAlertsFixture({
      notify,
      query: async (q) => (q.includes('alert_event') && q.includes(STATION_B) ? fakeInflux(rows, queries)(q) : []),
    });
    expect(f.alerts.restored).toBe(0);
    expect(await f.alerts.adoptStation(STATION_B)).toBe(1);
    expect(f.alerts.open()).toMatchObject([{ id: `${STATION_B}|*|stale`, state: 'firing' }]);
    expect(f.events).toEqual([]);
  });
});
