import { describe, expect, it } from 'vitest';
import type { Alert, Reading, StationSummary } from '../../core/index.js';
import { chooseStep, downsampleQuery, quoteTag, rawQuery } from '../../dashboard/server/history-query.js';
import { localIso, parseLocalDay } from '../../platform/index.js';
import { href, parseRoute } from '../../dashboard/web/src/router.js';
import { stationState, type StationStateInput } from '../../dashboard/web/src/station-state.js';
import { readFrame } from '../../dashboard/web/src/read-frame.js';
import { fromLocalInput, toLocalInput } from '../../dashboard/web/src/format-clock.js';

const station: StationSummary = {
  id: 'BN-X-NT1',
  name: 'X',
  kind: 'wastewater',
  zoneId: 'z',
  zoneName: 'Z',
  province: 'P',
  facilityName: 'F',
  lat: 21,
  lon: 106,
  intervalS: 60,
  parameters: [
    { parameter: 'COD', unit: 'mg/L', max: 150 },
    { parameter: 'pH', unit: 'pH', min: 5.5, max: 9 },
  ],
};
const NOW = 1_790_000_000_000;
const r = (parameter: string, value: number, status: Reading['status'] = '00'): Reading => ({
  station: station.id,
  zone: 'z',
  parameter,
  value,
  unit: parameter === 'pH' ? 'pH' : 'mg/L',
  status,
  ts: NOW - 30_000,
  receivedAt: NOW - 29_000,
});
const latest = (...readings: Reading[]): StationStateInput['latest'] => ({
  readings: new Map(readings.map((x) => [x.parameter, x])),
  lastTs: NOW - 30_000,
  lastReceivedAt: NOW - 29_000,
});
const alert = (over: Partial<Alert>): Alert => ({
  id: 'a',
  station: station.id,
  zone: 'z',
  parameter: 'COD',
  rule: 'threshold',
  severity: 'warning',
  state: 'firing',
  message: '',
  since: 0,
  updatedAt: 0,
  ...over,
});
const state = (over: Partial<StationStateInput>): string =>
  stationState({ station, latest: latest(r('COD', 50), r('pH', 7)), alerts: [], online: true, now: NOW, ...over });

describe('station state (overview colours)', () => {
  it('is normal with values inside their limits', () => expect(state({})).toBe('normal'));
  it('is warning near a limit (80 %), critical at or past it, and for pH below its lower bound', () => {
    expect(state({ latest: latest(r('COD', 125), r('pH', 7)) })).toBe('warning');
    expect(state({ latest: latest(r('COD', 150), r('pH', 7)) })).toBe('critical');
    expect(state({ latest: latest(r('COD', 50), r('pH', 5.4)) })).toBe('critical');
  });
  it('follows the alerts engine: warning and critical alerts, stale and sensor-fault rules', () => {
    expect(state({ alerts: [alert({ severity: 'warning', rule: 'trend' })] })).toBe('warning');
    expect(state({ alerts: [alert({ severity: 'critical', rule: 'average' })] })).toBe('critical');
    expect(state({ alerts: [alert({ severity: 'critical', rule: 'stale', parameter: '*' })] })).toBe('interrupted');
    expect(state({ alerts: [alert({ rule: 'sensor_fault' })] })).toBe('fault');
    expect(state({ alerts: [alert({ severity: 'critical', state: 'resolved' })] })).toBe('normal');
  });
  it('is interrupted when offline, silent past max(3 x interval, 5 min), or never heard from', () => {
    expect(state({ online: false })).toBe('interrupted');
    expect(state({ now: NOW + 5 * 60_000 })).toBe('interrupted');
    expect(state({ now: NOW + 4 * 60_000 })).toBe('normal');
    expect(state({ latest: undefined, online: undefined })).toBe('interrupted');
    // old values of an interrupted station do not count, an open critical alert does
    expect(state({ online: false, latest: latest(r('COD', 500), r('pH', 7)) })).toBe('interrupted');
    expect(state({ online: false, alerts: [alert({ severity: 'critical' })] })).toBe('critical');
  });
  it('shows sensor fault (02) and calibration (01), which never count as breaches', () => {
    expect(state({ latest: latest(r('COD', 900, '02'), r('pH', 7)) })).toBe('fault');
    expect(state({ latest: latest(r('COD', 900, '01'), r('pH', 7)) })).toBe('calibrating');
    expect(state({ latest: latest(r('COD', 900, '01'), r('pH', 7, '02')) })).toBe('fault');
  });
});

describe('routes of the page', () => {
  it('parses every place and round-trips the links', () => {
    expect(parseRoute('')).toEqual({ name: 'overview', view: 'table' });
    expect(parseRoute('#/map')).toEqual({ name: 'overview', view: 'map' });
    expect(parseRoute(href.zone('yen-phong', 'map'))).toEqual({ name: 'zone', zone: 'yen-phong', view: 'map' });
    expect(parseRoute(href.station('BN-X', 'COD'))).toEqual({ name: 'station', station: 'BN-X', parameter: 'COD' });
    expect(parseRoute(href.alerts('history'))).toEqual({ name: 'alerts', tab: 'history' });
    expect(parseRoute('#/reports/station/BN-X?period=day&date=2026-11-27')).toEqual({
      name: 'report-station',
      station: 'BN-X',
      period: 'day',
      date: '2026-11-27',
    });
    expect(parseRoute(href.reportStation('BN-X', 'month', '2026-11'))).toEqual({
      name: 'report-station',
      station: 'BN-X',
      period: 'month',
      date: '2026-11',
    });
    expect(parseRoute('#/reports/zone/yen-phong?date=2026-11-27')).toEqual({ name: 'report-zone', zone: 'yen-phong', date: '2026-11-27' });
    expect(parseRoute('#/users')).toEqual({ name: 'users' });
    expect(parseRoute('#/nope/%E0%A4%A')).toEqual({ name: 'not-found' });
  });
});

describe('history queries (InfluxQL)', () => {
  it('picks round buckets that keep a range within the points asked for', () => {
    expect(chooseStep(0, 3_600_000, 900)).toBe(5_000);
    expect(chooseStep(0, 86_400_000, 900)).toBe(120_000);
    expect(chooseStep(0, 7 * 86_400_000, 900)).toBe(900_000);
    expect(chooseStep(0, 366 * 86_400_000, 100)).toBe(4 * 86_400_000);
  });
  it('quotes tag values so no input can change the statement', () => {
    expect(quoteTag("a'b\\c")).toBe("'a\\'b\\\\c'");
    const q = downsampleQuery("X' OR 1=1 --", 'COD', 1000, 2000, 5000);
    expect(q).toContain("\"station\" = 'X\\' OR 1=1 --'");
    expect(q).toMatch(/GROUP BY time\(5000ms\), "status" fill\(none\)$/);
    expect(rawQuery('S', undefined, 1.5, 2.5)).toBe(
      'SELECT "value", "parameter", "status" FROM "reading" WHERE "station" = \'S\' AND time >= 1ms AND time < 3ms',
    );
  });
  it('works in UTC+7 local days', () => {
    expect(localIso(Date.UTC(2026, 10, 27, 1, 15), { millis: true })).toBe('2026-11-27T08:15:00.000+07:00');
    expect(parseLocalDay('2026-11-27')).toBe(Date.UTC(2026, 10, 26, 17));
    expect(parseLocalDay('2026-02-30')).toBeUndefined();
    expect(fromLocalInput(toLocalInput(Date.UTC(2026, 10, 27, 1, 15)))).toBe(Date.UTC(2026, 10, 27, 1, 15));
  });
});

describe('live frames in the page', () => {
  it('never throws on bad data, and drops malformed parts alone', () => {
    for (const bad of [42, 'not json', 'null', '[]', '{"type":"snap"}', '{"type":"alert","event":{}}', '{"type":"nope"}'])
      expect(readFrame(bad)).toBeUndefined();
    const f = readFrame(
      JSON.stringify({
        type: 'delta',
        serverTime: 5,
        rows: [[0, 0, 1], 'x'],
        presence: [{ station: 'A', state: 'online', ts: 1 }, { station: 1 }],
      }),
    );
    expect(f).toEqual({ type: 'delta', serverTime: 5, rows: [[0, 0, 1]], presence: [{ station: 'A', state: 'online', ts: 1 }] });
    const snap = readFrame(
      JSON.stringify({
        type: 'snap',
        serverTime: 5,
        index: { stations: ['A'], zones: ['z'], parameters: [['COD']], units: [['mg/L']] },
        rows: [],
        received: [null],
        online: [1],
        alerts: [{ bad: true }],
        storage: null,
      }),
    );
    expect(snap?.type).toBe('snap');
    expect(snap && 'alerts' in snap ? snap.alerts : undefined).toEqual([]);
  });
});
