import { describe, expect, it } from 'vitest';
import type { ReportLimit } from '../../core/index.js';
import { limitDay, localDate, localHour, localIso, parseLocalDay, parseLocalMonth } from '../../platform/index.js';
import {
  dayFigures,
  expectedSlots,
  hourFigures,
  outsideLimit,
  type QuarterStats,
  type RuleContext,
  type SeriesData,
} from '../../reports/validity.js';

const Q = 900_000;
const H = 3_600_000;
const DAY = parseLocalDay('2026-03-10')!;
const AFTER = DAY + 10 * 24 * H;
const LIMIT: ReportLimit = { regulation: 'QCVN 40:2011/BTNMT', column: 'B', max: 100 };

const stats = (mean: number, count = 3): QuarterStats => ({ count, mean, min: mean, max: mean });

/** Quarter-hours by index from the day's start, each with 3 values (one per 5-minute slot). */
function series(quarters: Array<[number, QuarterStats]>): SeriesData {
  return {
    quarters: new Map(quarters.map(([i, s]) => [DAY + i * Q, s])),
    slots: new Map(quarters.map(([i, s]) => [DAY + i * Q, Math.min(3, s.count)])),
  };
}
const full = (fromQ: number, toQ: number, mean = 50): Array<[number, QuarterStats]> =>
  Array.from({ length: toQ - fromQ }, (_, i) => [fromQ + i, stats(mean)]);
const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({ now: AFTER, slotMs: 300_000, slotOffsetMs: 0, limit: LIMIT, ...over });

describe('local time (UTC+7, no daylight saving)', () => {
  it('maps local days, months and hours', () => {
    expect(DAY).toBe(Date.parse('2026-03-09T17:00:00Z'));
    expect(parseLocalDay('2026-02-29')).toBeUndefined();
    expect(parseLocalDay('2026-3-1')).toBeUndefined();
    expect(parseLocalMonth('2024-02')).toEqual({ start: Date.parse('2024-01-31T17:00:00Z'), days: 29 });
    expect(parseLocalMonth('2026-00')).toBeUndefined();
    expect(localDate(DAY - 1)).toBe('2026-03-09');
    expect(localHour(DAY + 8 * H + 59 * 60_000)).toBe('08:00');
    expect(localIso(DAY + 8 * H)).toBe('2026-03-10T08:00:00+07:00');
    expect(limitDay('2026-03-10').toISOString().slice(0, 10)).toBe('2026-03-10');
  });
});

describe('hour validity: at least 3 of 4 quarter-hours', () => {
  it.each([
    [[0, 1, 2, 3], true],
    [[0, 1, 3], true],
    [[1, 2, 3], true],
    [[0, 1], false],
    [[0, 3], false],
    [[2], false],
    [[], false],
  ])('quarters %j -> valid %s', (qs, valid) => {
    const h = hourFigures(DAY, series(qs.map((q) => [q, stats(50)])), ctx());
    expect(h.quarters).toBe(qs.length);
    expect(h.valid).toBe(valid);
  });

  it('averages the quarter-hour means, so a busy quarter does not outweigh the others', () => {
    const h = hourFigures(
      DAY,
      series([
        [0, { count: 30, mean: 10, min: 5, max: 15 }],
        [1, stats(20, 1)],
        [2, stats(30)],
        [3, stats(40)],
      ]),
      ctx(),
    );
    expect(h).toMatchObject({ count: 37, mean: 25, min: 5, max: 40, valid: true });
  });

  it('counts an exceedance only for a valid hourly average strictly outside the limit', () => {
    expect(hourFigures(DAY, series(full(0, 4, 100.0001)), ctx()).exceeds).toBe(true);
    // Judged on the average as the report shows it (4 decimals): 100.00001 shows as 100.
    expect(hourFigures(DAY, series(full(0, 4, 100.00001)), ctx()).exceeds).toBe(false);
    expect(hourFigures(DAY, series(full(0, 4, 100)), ctx()).exceeds).toBe(false);
    expect(hourFigures(DAY, series(full(0, 2, 500)), ctx()).exceeds).toBe(false);
    expect(hourFigures(DAY, series(full(0, 4, 500)), ctx({ limit: null })).exceeds).toBe(false);
    const ph: ReportLimit = { regulation: 'QCVN 40:2011/BTNMT', column: 'B', max: 9, lower: 5.5 };
    expect([5.4, 5.5, 9, 9.1].map((v) => outsideLimit(v, ph))).toEqual([true, false, false, true]);
  });

  it('leaves an hour not over yet undecided', () => {
    const h = hourFigures(DAY, series(full(0, 2)), ctx({ now: DAY + 40 * 60_000 }));
    expect(h).toMatchObject({ valid: null, exceeds: false, expected: 8, received: 6, availability: 75 });
  });
});

describe('day validity: at most 5 invalid half-hours (a valid half-hour has both quarter-hours)', () => {
  const dayWith = (missingQuarters: number[]): SeriesData => series(full(0, 96).filter(([i]) => !missingQuarters.includes(i)));

  it('5 invalid half-hours keep a day valid, 6 do not', () => {
    expect(dayFigures(DAY, dayWith([1, 3, 5, 7, 9]), ctx()).day).toMatchObject({ invalidHalfHours: 5, valid: true });
    expect(dayFigures(DAY, dayWith([1, 3, 5, 7, 9, 11]), ctx()).day).toMatchObject({ invalidHalfHours: 6, valid: false });
    // Both quarters of one half-hour missing is one invalid half-hour, not two.
    expect(dayFigures(DAY, dayWith([0, 1]), ctx()).day.invalidHalfHours).toBe(1);
  });

  it('the daily average is the mean of the valid hourly averages', () => {
    const data = series([...full(0, 4, 10), ...full(4, 8, 20), ...full(8, 10, 1000), ...full(12, 96, 30)]);
    const { day, hours } = dayFigures(DAY, data, ctx());
    expect(hours[2]!.valid).toBe(false);
    // Hours 0, 1 and 3-23 are valid: (10 + 20 + 21 x 30) / 23.
    expect(day.validHours).toBe(23);
    expect(day.mean).toBe(Math.round(((10 + 20 + 21 * 30) / 23) * 1e4) / 1e4);
    expect(day.max).toBe(1000);
  });

  it('an unfinished day is undecided until too many half-hours failed', () => {
    const noon = DAY + 12 * H;
    expect(dayFigures(DAY, dayWith([]), ctx({ now: noon })).day).toMatchObject({
      valid: null,
      invalidHalfHours: 0,
      expected: 144,
      received: 144,
      availability: 100,
    });
    expect(dayFigures(DAY, dayWith([1, 3, 5, 7, 9, 11]), ctx({ now: noon })).day.valid).toBe(false);
    // A day in the future: nothing expected yet.
    expect(dayFigures(DAY, dayWith([]), ctx({ now: DAY - 1 })).day).toMatchObject({ valid: null, expected: 0, availability: null });
  });

  it('flags the daily average of a valid day outside the limit', () => {
    expect(dayFigures(DAY, series(full(0, 96, 120)), ctx()).day).toMatchObject({ valid: true, meanExceeds: true, exceedances: 24 });
    expect(dayFigures(DAY, series(full(0, 40, 120)), ctx()).day).toMatchObject({ valid: false, meanExceeds: false, exceedances: 10 });
  });
});

describe('availability: expected values from the reporting interval', () => {
  it('counts slot starts in a window on the grid', () => {
    expect(expectedSlots(DAY, DAY + 24 * H, { slotMs: 300_000, slotOffsetMs: 0 })).toBe(288);
    expect(expectedSlots(DAY, DAY + 24 * H, { slotMs: 60_000, slotOffsetMs: 0 })).toBe(1440);
    // 7-minute slots starting at the day's start: ceil(1440 / 7).
    expect(expectedSlots(DAY, DAY + 24 * H, { slotMs: 420_000, slotOffsetMs: DAY % 420_000 })).toBe(206);
    expect(expectedSlots(DAY, DAY, { slotMs: 60_000, slotOffsetMs: 0 })).toBe(0);
  });

  it('never exceeds 100 % when a gateway sends more than expected', () => {
    const data: SeriesData = { quarters: new Map([[DAY, stats(50, 100)]]), slots: new Map([[DAY, 7]]) };
    expect(hourFigures(DAY, data, ctx({ slotMs: 900_000 })).received).toBe(4);
  });
});
