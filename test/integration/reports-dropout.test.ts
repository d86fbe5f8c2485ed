import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { percentOf, StationDayReportSchema } from '../../core/index.js';
import { DAY_MS, localDate, parseLocalDay } from '../../platform/time/local-time.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';

const SILENT = 7;

/**
 * The dropout scenario as an inspector sees it in the day report: yesterday (UTC+7) played in
 * compressed time into a real centre and InfluxDB, one value per reporting interval, with the
 * logger silent for 7 intervals in the morning. The report's availability is below 100 % by
 * exactly those intervals, for every parameter, and never counts values instead of intervals.
 */
describe('a dropout in the station day report', () => {
  let centre: TestCentre;
  let sim: Simulator;
  let station: string;
  let date: string;
  let expected: number;

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const s = centre.catalogue.stations.find((x) => x.intervalS === 60 && x.kind === 'wastewater')!;
    station = s.id;
    date = localDate(Date.now() - DAY_MS);
    const midnight = parseLocalDay(date)!;
    expected = DAY_MS / (s.intervalS * 1000);
    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue: centre.catalogue,
      credentials: centre.credentials,
      stations: [station],
      seed: 3,
      scenarios: [{ name: 'dropout', station, atS: 9 * 3600, forS: SILENT * s.intervalS }],
      messages: expected,
      intervalMs: 2,
      stepMs: s.intervalS * 1000,
      startAt: midnight,
    });
    await sim.done;
  });
  afterAll(async () => {
    await sim?.close();
    await centre?.close();
  });

  it('shows availability short of 100 % by exactly the silent intervals', async () => {
    expect(sim.stats().lost).toBe(SILENT);
    const session = await centre.login('viewer');
    const report = async (): Promise<ReturnType<typeof StationDayReportSchema.parse>> => {
      const res = await session.fetch(`/api/reports/stations/${station}/day?date=${date}`);
      expect(res.status).toBe(200);
      return StationDayReportSchema.parse(await res.json());
    };
    // Stored asynchronously after the PUBACK: wait until every value sent is in the report.
    await vi.waitFor(async () => expect((await report()).parameters[0]!.day.count).toBe(expected - SILENT), {
      timeout: 30_000,
      interval: 500,
    });
    const r = await report();
    expect(r.parameters.length).toBeGreaterThan(0);
    for (const p of r.parameters) {
      expect(p.day, p.parameter).toMatchObject({
        expected,
        received: expected - SILENT,
        availability: percentOf(expected - SILENT, expected),
      });
      expect(p.day.availability).toBeLessThan(100);
      // The silence falls in the hour from 09:00: that hour has exactly those intervals missing.
      const nine = p.hours.find((h) => h.hour.startsWith('09'))!;
      expect(nine).toMatchObject({ expected: 60, received: 60 - SILENT });
    }
    expect(r.availability).toEqual({
      expected: expected * r.parameters.length,
      received: (expected - SILENT) * r.parameters.length,
      availability: percentOf(expected - SILENT, expected),
    });
  });
});
