import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Subscription } from 'rxjs';
import type { AlertEvent, AlertRule } from '../../core/index.js';
import { startSimulator, type ScenarioInput, type Simulator } from '../../simulators/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';

/**
 * Every scenario through the real centre (MQTT, ingest, InfluxDB, alerts engine), in
 * compressed measurement time: two hours of one-minute samples sent 25 ms apart, starting two
 * hours ago, so the hour-long rules (rolling average, trend) work in seconds. Rules judged on
 * the wall clock (transmission interrupted) are shown in real time in simulators-store-forward.
 */
const S = {
  exceedance: 'BN-YENPHONG-F001-NT1',
  spike: 'BN-YENPHONG-F002-NT1',
  drift: 'BN-YENPHONG-F003-NT1',
  fault: 'BN-YENPHONG-F003-KT1',
  stuck: 'HN-QUANGMINH-F005-NT1',
  calibration: 'HN-QUANGMINH-F006-NT1',
  malformed: 'HN-QUANGMINH-F007-NT1',
  skew: 'HN-QUANGMINH-F008-NT1',
  dropout: 'HP-DINHVU-F009-NT1',
  normal: 'HP-DINHVU-F011-NT1',
} as const;
const SAMPLES = 120;
const STEP_MS = 60_000;

const scenarios: ScenarioInput[] = [
  { name: 'exceedance', station: S.exceedance, parameter: 'COD', atS: 1800 },
  { name: 'spike', station: S.spike, parameter: 'pH', atS: 3600 },
  { name: 'drift', station: S.drift, parameter: 'NH4', atS: 1800, forS: 5400 },
  { name: 'fault', station: S.fault, parameter: 'PM', atS: 1800 },
  { name: 'fault', station: S.stuck, parameter: 'TSS', atS: 3600, status: '00' },
  { name: 'calibration', station: S.calibration, parameter: 'COD', atS: 1800, forS: 1200 },
  { name: 'malformed', station: S.malformed, everyN: 4 },
  { name: 'clock_skew', station: S.skew, offsetS: 3 * 3600 },
  { name: 'dropout', station: S.dropout, atS: 1800, forS: 1800 },
  { name: 'normal', station: S.normal },
];

describe('scenarios produce the alerts they are meant to (compressed time, real centre)', () => {
  let centre: TestCentre;
  let sim: Simulator;
  let sub: Subscription;
  const events: AlertEvent[] = [];
  const raised = (station: string): Array<{ rule: AlertRule; severity: string; message: string; firedAt?: number }> =>
    events.filter((e) => e.alert.station === station && e.type === 'raised').map((e) => e.alert);

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'));
    sub = centre.alerts.events$.subscribe((e) => events.push(e));
    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue: centre.catalogue,
      credentials: centre.credentials,
      stations: [],
      seed: 7,
      scenarios,
      messages: SAMPLES,
      intervalMs: 25,
      stepMs: STEP_MS,
      startAt: Date.now() - SAMPLES * STEP_MS,
    });
    await sim.done;
  });
  afterAll(async () => {
    sub?.unsubscribe();
    await sim?.close();
    await centre?.close();
  });

  it('the run is what was planned: one sample a minute per station, acknowledged', () => {
    expect(sim.stats()).toMatchObject({ ticks: SAMPLES * scenarios.length, backlog: 0 });
    const normal = sim.sent.filter((m) => m.station === S.normal);
    expect(normal).toHaveLength(SAMPLES);
    expect(normal.every((m) => m.ackedAt !== undefined)).toBe(true);
    expect(normal[1]!.ts - normal[0]!.ts).toBe(STEP_MS);
  });

  it('exceedance: threshold critical, then the rolling average (non-compliance)', async () => {
    await vi.waitFor(() => expect(raised(S.exceedance).map((a) => a.rule)).toEqual(expect.arrayContaining(['threshold', 'average'])), {
      timeout: 10_000,
    });
    const [threshold] = raised(S.exceedance).filter((a) => a.rule === 'threshold');
    expect(threshold).toMatchObject({ severity: 'critical', message: expect.stringMatching(/^COD .* above the limit 75 mg\/L/) });
    expect(raised(S.exceedance).find((a) => a.rule === 'average')).toMatchObject({
      severity: 'critical',
      message: expect.stringMatching(/non-compliance: 60-min mean of COD/),
    });
  });

  it('spike: a pH jump raises the rate-of-change alert, and one sample is too short for the threshold', () => {
    expect(raised(S.spike).map((a) => a.rule)).toEqual(['rate']);
    expect(raised(S.spike)[0]!.message).toMatch(/^pH changing at .* per min, above the configured 1 per min/);
  });

  it('drift: the forecast warning comes before the first reading above the limit', async () => {
    const trend = raised(S.drift).find((a) => a.rule === 'trend');
    expect(trend).toMatchObject({ severity: 'warning', message: expect.stringMatching(/NH4 forecast to exceed/) });
    const limit = centre.catalogue.limitAt(S.drift, 'NH4', new Date())!.max;
    const firstOver = sim.sent
      .filter((m) => m.station === S.drift)
      .find((m) => m.readings.some((r) => r.parameter === 'NH4' && r.value > limit))!;
    expect(firstOver).toBeDefined();
    expect(trend!.firedAt!).toBeLessThan(firstOver.ts);
    console.log(
      `[figure] drift: forecast warning ${Math.round((firstOver.ts - trend!.firedAt!) / 60_000)} min of measurement time before the first exceedance`,
    );
  });

  it('fault: status 02 for 15 minutes, and a stuck sensor saying 00, each raise a sensor fault', () => {
    expect(raised(S.fault)).toEqual([
      expect.objectContaining({ rule: 'sensor_fault', message: expect.stringMatching(/PM sensor fault: device fault \(status 02\)/) }),
    ]);
    expect(raised(S.stuck)).toEqual([
      expect.objectContaining({ rule: 'sensor_fault', message: expect.stringMatching(/TSS sensor fault: flatline: 30 identical values/) }),
    ]);
  });

  it('calibration: status 01 with span gas far above the limit raises nothing, and is stored flagged 01', async () => {
    expect(raised(S.calibration)).toEqual([]);
    await vi.waitFor(
      async () => expect(await countReadings(centre.influx, `WHERE "station" = '${S.calibration}' AND "parameter" = 'COD'`)).toBe(SAMPLES),
      { timeout: 15_000 },
    );
    const cod = await storedReadings(centre.influx, `WHERE "station" = '${S.calibration}' AND "parameter" = 'COD' AND "status" = '01'`);
    expect(cod).toHaveLength(20);
    expect(Math.max(...cod.map((p) => p.value))).toBeGreaterThan(300);
  });

  it("malformed: each defect answered on the gateway's errors topic with its code; the good readings stored; no alert", async () => {
    const sent = sim.sent.filter((m) => m.station === S.malformed && m.malformed);
    expect(sent).toHaveLength(SAMPLES / 4);
    await vi.waitFor(() => expect(sim.notices.filter((n) => n.station === S.malformed)).toHaveLength(sent.length), { timeout: 10_000 });
    const codes = new Set(sim.notices.filter((n) => n.station === S.malformed).flatMap((n) => n.notice.errors.map((e) => e.code)));
    expect([...codes].sort()).toEqual([...new Set(sent.map((m) => m.malformed!.code))].sort());
    expect(codes.size).toBeGreaterThanOrEqual(10);
    const goodReadings = sim.sent
      .filter((m) => m.station === S.malformed)
      .reduce((n, m) => n + (m.malformed ? (m.malformed.whole ? 0 : m.readings.length - 1) : m.readings.length), 0);
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = '${S.malformed}'`)).toBe(goodReadings), {
      timeout: 15_000,
    });
    expect(raised(S.malformed)).toEqual([]);
  });

  it('clock skew: a clock three hours ahead gets every reading refused as in_future; nothing stored', async () => {
    await vi.waitFor(() => expect(sim.notices.filter((n) => n.station === S.skew)).toHaveLength(SAMPLES), { timeout: 10_000 });
    expect(new Set(sim.notices.filter((n) => n.station === S.skew).flatMap((n) => n.notice.errors.map((e) => e.code)))).toEqual(
      new Set(['in_future']),
    );
    expect(await countReadings(centre.influx, `WHERE "station" = '${S.skew}'`)).toBe(0);
  });

  it('dropout: half an hour of samples missing from the stored series', async () => {
    await vi.waitFor(
      async () => expect(await countReadings(centre.influx, `WHERE "station" = '${S.dropout}' AND "parameter" = 'COD'`)).toBe(SAMPLES - 30),
      { timeout: 15_000 },
    );
    const times = (await storedReadings(centre.influx, `WHERE "station" = '${S.dropout}' AND "parameter" = 'COD'`))
      .map((p) => p.time)
      .sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBe(31 * STEP_MS);
    expect(sim.stats().lost).toBe(30);
  });

  it('normal operation raises nothing, and no scenario raises more than its own alerts', () => {
    expect(raised(S.normal)).toEqual([]);
    const allowed: Record<string, AlertRule[]> = {
      [S.exceedance]: ['threshold', 'average'],
      [S.spike]: ['rate'],
      [S.drift]: ['trend', 'threshold', 'average'],
      [S.fault]: ['sensor_fault'],
      [S.stuck]: ['sensor_fault'],
    };
    const unexpected = events
      .filter((e) => e.type === 'raised' && !(allowed[e.alert.station] ?? []).includes(e.alert.rule))
      .map((e) => e.alert.id);
    expect(unexpected).toEqual([]);
  });
});
