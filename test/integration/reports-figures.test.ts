import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, StationDayReportSchema, StationMonthReportSchema, ZoneDayReportSchema, type Catalogue } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import { createInfluxClient, type InfluxClient } from '../../ingest/index.js';
import { createReports, type Reports } from '../../reports/index.js';
import { testDatabase } from '../helpers/centre.js';
import { at, codDay, D1, D2, flaggedNoise, phDay, reportsCatalogue, so2HalfDay, STACK, WW, ZONE } from '../helpers/reports-fixture.js';

/**
 * The figures against the real InfluxDB (InfluxQL does the quarter-hour aggregation), at
 * the boundaries of each rule. The expected numbers are derived by hand from the readings
 * described in test/helpers/reports-fixture.ts.
 */
describe('report figures from InfluxDB (validity rules adopted from US/EU practice)', () => {
  let influx: InfluxClient;
  let catalogue: Catalogue;
  const clock: Clock = { now: () => at('2026-04-02', 10) };
  let reports: Reports;
  const open: Reports[] = [];
  const reportsAt = (now: number): Reports => {
    const r = createReports({
      query: (q) => influx.query(q),
      catalogue,
      log: createLogger({ level: 'silent' }),
      clock: { now: () => now },
      cacheTtlMs: 0,
    });
    open.push(r);
    return r;
  };

  beforeAll(async () => {
    influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: testDatabase() });
    await influx.ensureDatabase();
    catalogue = reportsCatalogue();
    const lines = [...codDay(D1), ...codDay(D2, { dropQ0: [20] }), ...phDay(D1), ...so2HalfDay(D1)];
    await influx.write(lines.join('\n'));
    reports = reportsAt(clock.now());
  });
  afterAll(async () => {
    for (const r of open) await r.close();
  });

  it('an hour with values in 3 of its 4 quarter-hours is valid, one with 2 is not; flagged and out-of-range values do not fill a quarter', async () => {
    const r = StationDayReportSchema.parse(await reports.service.stationDay(WW, D1));
    const cod = r.parameters.find((p) => p.parameter === 'COD')!;
    expect(cod.hours).toHaveLength(24);
    expect(cod.hours.map((h) => h.hour).slice(0, 3)).toEqual(['00:00', '01:00', '02:00']);
    expect(cod.hours[0]).toMatchObject({ start: at(D1, 0), quarters: 4, valid: true, count: 12, mean: 50 });
    expect(cod.hours[1]).toMatchObject({ quarters: 3, valid: true, count: 9, mean: 50, expected: 12, received: 9, availability: 75 });
    expect(cod.hours[2]).toMatchObject({ quarters: 2, valid: false, count: 6, mean: 500, exceeds: false });
    // 01/02 values in quarters 2-3 of hour 3, out-of-range ones in quarters 2-3 of hour 6.
    expect(cod.hours[3]).toMatchObject({ quarters: 2, valid: false, count: 6, max: 50 });
    expect(cod.hours[6]).toMatchObject({ quarters: 2, valid: false, count: 6, min: 50, max: 50 });
    // 5000 and -1 are outside the instrument range 0-1000.
    expect(cod.hours[5]).toMatchObject({ quarters: 4, valid: true, count: 12, min: 50, max: 50 });
    // The hourly average is the mean of quarter-hour means: (90 + 120 + 120 + 120) / 4, not 1110 / 10.
    expect(cod.hours[12]).toMatchObject({ quarters: 4, valid: true, count: 10, mean: 112.5, min: 90, max: 120, exceeds: true });
    expect(cod.hours[13]).toMatchObject({ mean: 100, exceeds: false });
  });

  it('day figures: count, min, max, mean, invalid half-hours, availability and exceedances are exact', async () => {
    const r = await reports.service.stationDay(WW, D1);
    const byParam = new Map(r.parameters.map((p) => [p.parameter, p.day]));
    // 18 full hours of 12 values, hours 1 and 11 with 9, 2, 3 and 6 with 6, hour 12 with 10.
    const codCount = 18 * 12 + 9 + 9 + 6 + 6 + 6 + 10;
    expect(codCount).toBe(262);
    // Valid hours: all but 2, 3, 6; their means: 17 at 50, then 150, 150, 112.5, 100.
    const codMean = Math.round(((17 * 50 + 150 + 150 + 112.5 + 100) / 21) * 1e4) / 1e4;
    expect(byParam.get('COD')).toEqual({
      date: D1,
      count: codCount,
      min: 50,
      max: 500,
      mean: codMean,
      validHours: 21,
      invalidHalfHours: 5,
      valid: true,
      expected: 288,
      received: codCount,
      availability: Math.round((codCount / 288) * 1e4) / 100,
      // Limit in force on D1: 200 x 0.5 = 100; hours 10, 11 (150) and 12 (112.5) exceed, 13 (100) does not, 2 (500) is invalid.
      exceedances: 3,
      meanExceeds: false,
      limit: { regulation: 'QCVN 40:2011/BTNMT', column: 'B', max: 100 },
    });
    expect(byParam.get('COD')!.availability).toBe(90.97);
    // pH: full day; hour 8 at 5.5 is below the lower bound 6, hour 9 at 9.5 above 9.
    expect(byParam.get('pH')).toMatchObject({
      count: 288,
      validHours: 24,
      invalidHalfHours: 0,
      valid: true,
      expected: 288,
      received: 288,
      availability: 100,
      exceedances: 2,
      limit: { max: 9, lower: 6 },
    });
    const ph = r.parameters.find((p) => p.parameter === 'pH')!;
    expect(ph.hours.filter((h) => h.exceeds).map((h) => h.hour)).toEqual(['08:00', '09:00']);
    // TSS: nothing received.
    expect(byParam.get('TSS')).toEqual({
      date: D1,
      count: 0,
      min: null,
      max: null,
      mean: null,
      validHours: 0,
      invalidHalfHours: 48,
      valid: false,
      expected: 288,
      received: 0,
      availability: 0,
      exceedances: 0,
      meanExceeds: false,
      limit: null,
    });
    expect(r.availability).toEqual({
      expected: 3 * 288,
      received: codCount + 288,
      availability: Math.round(((codCount + 288) / 864) * 1e4) / 100,
    });
    expect(r.validityRules.label).toBe('validity rules adopted from US/EU practice');
  });

  it('a day with 6 invalid half-hours is invalid, and exceedances count against the limit in force that day', async () => {
    const r = await reports.service.stationDay(WW, D2);
    const cod = r.parameters.find((p) => p.parameter === 'COD')!;
    // Hour 20 lost its first quarter: still a valid hour (3 of 4), one more invalid half-hour.
    expect(cod.hours[20]).toMatchObject({ quarters: 3, valid: true });
    // From D2 the limit is 100 x 0.5 = 50: hours 10, 11, 12 and now 13 (100) exceed.
    expect(cod.day).toMatchObject({
      invalidHalfHours: 6,
      valid: false,
      validHours: 21,
      count: 262 - 3,
      received: 259,
      exceedances: 4,
      meanExceeds: false,
      limit: { regulation: 'QCVN 40:2025/BTNMT', max: 50 },
    });
  });

  it('values flagged 01 (calibrating) or 02 (device fault) change nothing', async () => {
    const before = await Promise.all([
      reports.service.stationDay(WW, D1),
      reports.service.stationMonth(WW, '2026-03'),
      reports.service.zoneDay(ZONE, D1),
    ]);
    await influx.write(flaggedNoise(D1).join('\n'));
    const count = await influx.query(`SELECT count("value") FROM "reading" WHERE "status" <> '00'`);
    expect(count[0]?.values[0]?.[1]).toBeGreaterThan(4 * 96);
    const after = await Promise.all([
      reports.service.stationDay(WW, D1),
      reports.service.stationMonth(WW, '2026-03'),
      reports.service.zoneDay(ZONE, D1),
    ]);
    expect(after).toEqual(before);
  });

  it("a zone's day: each station's availability from its own reporting interval", async () => {
    const r = ZoneDayReportSchema.parse(await reports.service.zoneDay(ZONE, D1));
    expect(r.zone).toEqual({ id: ZONE, name: 'Khu thử nghiệm', province: 'Bắc Ninh' });
    expect(r.stations.map((s) => s.station.id)).toEqual([WW, STACK]);
    const stack = r.stations[1]!;
    // One value a minute for 12 hours: 720 of 1440 expected; the last 12 hours are 24 invalid half-hours.
    expect(stack.availability).toEqual({ expected: 1440, received: 720, availability: 50 });
    expect(stack.parameters[0]!.day).toMatchObject({
      count: 720,
      validHours: 12,
      invalidHalfHours: 24,
      valid: false,
      mean: 300,
      exceedances: 0,
      limit: { max: 500 },
    });
    expect(r.stations[0]!.parameters.map((p) => p.day.exceedances)).toEqual([3, 2, 0]);
  });

  it("a station's month: every day against its own limit, totals exact", async () => {
    const r = StationMonthReportSchema.parse(await reports.service.stationMonth(WW, '2026-03'));
    expect(r.days).toHaveLength(31);
    const cod = r.parameters.find((p) => p.parameter === 'COD')!;
    expect(cod.days[9]).toMatchObject({ date: D1, valid: true, exceedances: 3 });
    expect(cod.days[10]).toMatchObject({ date: D2, valid: false, exceedances: 4 });
    expect(cod.days[0]).toMatchObject({ date: '2026-03-01', count: 0, valid: false, availability: 0 });
    expect(cod.month).toMatchObject({
      count: 262 + 259,
      validDays: 1,
      invalidDays: 30,
      expected: 31 * 288,
      received: 521,
      availability: Math.round((521 / (31 * 288)) * 1e4) / 100,
      exceedances: 7,
      daysMeanExceeds: 0,
      min: 50,
      max: 500,
    });
    expect(r.days[9]).toEqual({ date: D1, expected: 3 * 288, received: 262 + 288, availability: Math.round((550 / 864) * 1e4) / 100 });
  });

  it('a day not over yet: later hours are undecided and availability counts only the slots begun', async () => {
    const r = await reportsAt(at(D1, 12, 30)).service.stationDay(WW, D1);
    const cod = r.parameters.find((p) => p.parameter === 'COD')!;
    expect(cod.hours[11]!.valid).toBe(true);
    expect(cod.hours.slice(12).every((h) => h.valid === null && !h.exceeds)).toBe(true);
    // 12.5 h x 12 expected; received: hours 0-11 (120 slots) plus quarters 0-1 of hour 12 (3 + 1).
    expect(cod.day).toMatchObject({ valid: null, invalidHalfHours: 5, expected: 150, received: 124, availability: 82.67, exceedances: 2 });
  });

  it('refuses what it cannot answer: unknown station or zone, malformed or future dates', async () => {
    await expect(reports.service.stationDay('NOPE', D1)).rejects.toMatchObject({ status: 404 });
    await expect(reports.service.zoneDay('NOPE', D1)).rejects.toMatchObject({ status: 404 });
    await expect(reports.service.stationDay(WW, '2026-02-30')).rejects.toMatchObject({ status: 400 });
    await expect(reports.service.stationDay(WW, '2026-04-03')).rejects.toMatchObject({ status: 400 });
    await expect(reports.service.stationMonth(WW, '2026-13')).rejects.toMatchObject({ status: 400 });
  });
});
