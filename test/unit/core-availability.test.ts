import { describe, expect, it } from 'vitest';
import { availability, availabilityFigures, expectedIntervals, type IntervalCount } from '../../core/index.js';
import { parseLocalDay } from '../../platform/index.js';
import { intervalCounts, receivedByParameter } from '../../dashboard/server/station-availability.js';
import { intervalCountQuery } from '../../dashboard/server/history-query.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = parseLocalDay('2026-03-10')!;

/** One value at each given minute of the day (a station at a 1-minute interval). */
const atMinutes = (minutes: number[]): IntervalCount[] => minutes.map((m) => ({ time: DAY + m * MIN + 5_000, count: 1 }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('availability per reporting interval', () => {
  it('a full day at a 1-minute interval is 100 %', () => {
    const a = availability({ from: DAY, to: DAY + 24 * H, intervalMs: MIN, counts: atMinutes(range(0, 1440)) });
    expect(a).toEqual({ received: 1440, valid: 1440, expected: 1440, intervalsWithData: 1440, percent: 100 });
  });

  it('a gap: a 7-minute silence at a 1-minute interval shows 7 missing intervals', () => {
    // An hour with minutes 20..26 silent.
    const minutes = [...range(0, 20), ...range(27, 60)];
    const a = availability({ from: DAY, to: DAY + H, intervalMs: MIN, counts: atMinutes(minutes) });
    expect(a.expected).toBe(60);
    expect(a.expected - a.intervalsWithData).toBe(7);
    expect(a.percent).toBe(88.33);
  });

  it('duplicates: two values in one interval count once', () => {
    const counts = [...atMinutes([0, 1, 2]), ...atMinutes([1]), { time: DAY + 2 * MIN + 59_999, count: 1 }];
    const a = availability({ from: DAY, to: DAY + 4 * MIN, intervalMs: MIN, counts });
    expect(a).toMatchObject({ valid: 5, expected: 4, intervalsWithData: 3, percent: 75 });
  });

  it('a burst: a backlog of 159 values in a few intervals is not 100 %', () => {
    // 68 intervals expected; the station was silent for the first 61 minutes, then flushed 159 values into the last 7.
    const counts: IntervalCount[] = range(61, 68).map((m) => ({ time: DAY + m * MIN, count: m === 61 ? 153 : 1 }));
    const a = availability({ from: DAY, to: DAY + 68 * MIN, intervalMs: MIN, counts, received: 159 });
    expect(a.valid).toBe(159);
    expect(a.expected).toBe(68);
    expect(a.intervalsWithData).toBe(7);
    expect(a.percent).toBe(10.29);
  });

  it('is never above 100 %, whatever the counts', () => {
    const counts = range(0, 2000).map((i) => ({ time: DAY + (i % 30) * MIN + (i % 7) * 1000, count: 1 + (i % 5) }));
    const a = availability({ from: DAY, to: DAY + 30 * MIN, intervalMs: MIN, counts });
    expect(a.intervalsWithData).toBe(30);
    expect(a.percent).toBe(100);
    expect(availabilityFigures({ received: 9, valid: 9, expected: 4, intervalsWithData: 9 }).percent).toBe(100);
  });

  it('an empty day: nothing received is 0 % of the day', () => {
    const a = availability({ from: DAY, to: DAY + 24 * H, intervalMs: 5 * MIN, counts: [] });
    expect(a).toEqual({ received: 0, valid: 0, expected: 288, intervalsWithData: 0, percent: 0 });
  });

  it('a partial day (today up to now): only the intervals begun count, values outside the window do not', () => {
    const now = DAY + 10 * H + 2 * MIN + 30_000; // 10:02:30
    const counts = [...atMinutes(range(0, 600)), { time: DAY - MIN, count: 4 }, { time: now + MIN, count: 1 }];
    const a = availability({ from: DAY, to: now, intervalMs: 5 * MIN, counts });
    expect(a.expected).toBe(121); // 10:00 has begun
    expect(a.intervalsWithData).toBe(120);
    expect(a.percent).toBe(99.17);
    // Nothing expected at the very start of the day.
    expect(availability({ from: DAY, to: DAY, intervalMs: MIN, counts: [] }).percent).toBeNull();
  });

  it('counts intervals on the grid from local midnight, also for intervals not dividing the day', () => {
    expect(expectedIntervals(DAY, DAY + 24 * H, 7 * MIN)).toBe(206); // ceil(1440 / 7)
    expect(expectedIntervals(DAY, DAY + 24 * H, 7 * MIN, DAY % (7 * MIN))).toBe(206);
    expect(expectedIntervals(DAY + 30_000, DAY + 3 * MIN, MIN, DAY)).toBe(2); // 00:01 and 00:02 begin in the window
    expect(() => expectedIntervals(DAY, DAY + H, 0)).toThrow(RangeError);
    expect(() => availability({ from: DAY, to: Number.NaN, intervalMs: MIN, counts: [] })).toThrow(RangeError);
  });

  it('ignores rows without values and non-numeric times', () => {
    const counts = [{ time: DAY, count: 0 }, { time: Number.NaN, count: 3 }, ...atMinutes([1])];
    expect(availability({ from: DAY, to: DAY + 2 * MIN, intervalMs: MIN, counts })).toMatchObject({ valid: 1, intervalsWithData: 1 });
  });
});

describe('the dashboard route parts', () => {
  it('asks InfluxDB for valid values per interval of one parameter, on the grid from midnight, inside the range', () => {
    const q = intervalCountQuery("S'1", 'COD', { rangeMin: 0, rangeMax: 500 }, DAY, DAY + H, 5 * MIN, 120_000);
    expect(q).toContain(`"station" = 'S\\'1' AND "parameter" = 'COD'`);
    expect(q).toContain(`"status" = '00' AND "value" >= 0 AND "value" <= 500`);
    expect(q).toContain('GROUP BY time(300000ms, 120000ms) fill(none)');
    expect(intervalCountQuery('S1', 'pH', {}, DAY, DAY + H, MIN, 0)).not.toContain('"value" >');
  });

  it('reads the answers: rows per interval, values received per parameter and status', () => {
    const rows = intervalCounts([
      {
        name: 'reading',
        columns: ['time', 'count'],
        values: [
          [DAY, 2],
          [DAY + MIN, 1],
        ],
      },
    ]);
    expect(rows).toEqual([
      { time: DAY, count: 2 },
      { time: DAY + MIN, count: 1 },
    ]);
    const received = receivedByParameter([
      { name: 'reading', tags: { parameter: 'COD', status: '00' }, columns: ['time', 'count'], values: [[0, 5]] },
      { name: 'reading', tags: { parameter: 'COD', status: '01' }, columns: ['time', 'count'], values: [[0, 2]] },
    ]);
    expect(received.get('COD')).toBe(7);
  });
});
