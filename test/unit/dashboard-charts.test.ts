import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../core/index.js';
import { gapAfterMs, HistorySeries, plotData, type History } from '../../dashboard/web/src/chart/history-series.js';
import { formatTick, tickFormat, tickSpace } from '../../dashboard/web/src/chart/time-axis.js';
import { formatValue } from '../../dashboard/web/src/format-value.js';
import { formatFixed, formatNumber, parseNumber } from '../../dashboard/web/src/number-format.js';
import { formatFigure } from '../../dashboard/web/src/reports/format-figure.js';

const MIN = 60_000;
const reading = (ts: number, value: number, status: '00' | '01' | '02' = '00'): Reading =>
  ({ station: 'A', zone: 'z', parameter: 'COD', unit: 'mg/L', value, status, ts, receivedAt: ts + 100 }) as Reading;

const history = (points: History['points'], flagged: History['flagged'] = []): History => ({
  unit: 'mg/L',
  stepMs: MIN,
  limit: { max: 10 },
  points,
  flagged,
});

describe('the chart series: live readings in the history buckets, gaps, the whole window', () => {
  it('adds a live reading into its bucket like the server would (mean, min, max), the current one in place', () => {
    const s = new HistorySeries();
    // Bucket 10:00 holds two values, mean 10 (4 and 16), asked up to 10:00:30.
    s.set(history([[10 * MIN, 10, 4, 16, 2]]), 10 * MIN + 30_000);
    expect(s.add(reading(10 * MIN + 20_000, 99))).toBe(false); // in the history already
    expect(s.add(reading(10 * MIN + 40_000, 1))).toBe(true);
    expect(s.add(reading(11 * MIN + 5_000, 7))).toBe(true);
    expect(s.add(reading(11 * MIN + 50_000, 9))).toBe(true);
    expect(s.add(reading(11 * MIN + 55_000, 50, '01'))).toBe(true);
    const c = s.columns({ from: 10 * MIN, to: 12 * MIN }, gapAfterMs(MIN, MIN));
    expect(c.x).toEqual([600, 660, 720]);
    expect(c.mean).toEqual([7, 8, null]); // (4 + 16 + 1) / 3; (7 + 9) / 2
    expect(c.min).toEqual([1, 7, null]);
    expect(c.max).toEqual([16, 9, null]);
    expect(c.flag).toEqual([null, 50, null]);
    expect(c.gaps).toBe(0);
  });

  it('spans the chosen window whatever the data covers, and breaks the line over a silence', () => {
    const s = new HistorySeries();
    // One hour of a 24-hour window has data, with a 20-minute hole.
    const to = 24 * 60 * MIN;
    const points: History['points'] = [];
    for (let m = 23 * 60; m < 24 * 60; m += 1) if (m < 23 * 60 + 20 || m >= 23 * 60 + 40) points.push([m * MIN, m, m, m, 1]);
    s.set(history(points), to);
    const c = s.columns({ from: 0, to }, gapAfterMs(MIN, MIN));
    expect(c.x[0]).toBe(0);
    expect(c.x[c.x.length - 1]).toBe(to / 1000);
    expect(c.mean[0]).toBeNull();
    expect(c.gaps).toBe(1);
    const hole = c.x.findIndex((x) => x > (23 * 60 + 19) * 60 && x < (23 * 60 + 40) * 60);
    expect(c.mean[hole]).toBeNull();
    expect(c.x).toEqual([...c.x].sort((a, b) => a - b));
    // The limit is drawn over the whole window, ends included.
    const data = plotData(c, { max: 10 });
    expect(data[4]![0]).toBe(10);
    expect(data[4]![c.x.length - 1]).toBe(10);
  });

  it('a single missed interval is not a gap; more than twice the interval or the bucket is', () => {
    expect(gapAfterMs(5_000, 60_000)).toBe(120_000);
    expect(gapAfterMs(900_000, 60_000)).toBe(1_800_000);
    const s = new HistorySeries();
    s.set(
      history([
        [0, 1, 1, 1, 1],
        [2 * MIN, 2, 2, 2, 1],
        [5 * MIN, 3, 3, 3, 1],
      ]),
      5 * MIN,
    );
    expect(s.columns({ from: 0, to: 5 * MIN }, gapAfterMs(MIN, MIN)).gaps).toBe(1);
  });

  it('drops buckets the window slid past; a bucket begun before the window is drawn at its start', () => {
    const s = new HistorySeries();
    s.set(
      history([
        [0, 1, 1, 1, 1],
        [MIN, 2, 2, 2, 1],
        [2 * MIN, 3, 3, 3, 1],
      ]),
      3 * MIN,
    );
    s.trim(MIN + 30_000);
    const c = s.columns({ from: MIN + 30_000, to: 3 * MIN }, gapAfterMs(MIN, MIN));
    expect(c.x).toEqual([90, 120, 180]);
    expect(c.mean).toEqual([2, 3, null]);
  });
});

describe('the time axis: a format per span, in the page language', () => {
  it('chooses seconds, HH:MM, day and HH:MM, or the date by tick spacing and span', () => {
    expect(tickFormat(10, 300)).toBe('seconds');
    expect(tickFormat(300, 3600)).toBe('time');
    expect(tickFormat(3600, 86_400)).toBe('time');
    expect(tickFormat(6 * 3600, 3 * 86_400)).toBe('dayTime');
    expect(tickFormat(86_400, 7 * 86_400)).toBe('date');
    // Room for the widest label of the span.
    expect(tickSpace(3 * 86_400)).toBeGreaterThan(tickSpace(3600));
  });

  it('writes ticks in UTC+7 with a 24-hour clock, the day in Vietnamese or English', () => {
    const t = Date.UTC(2026, 2, 10, 7, 5, 9) / 1000; // 14:05:09 in Hanoi
    expect(formatTick(t, 'seconds', 'vi')).toBe('14:05:09');
    expect(formatTick(t, 'time', 'en')).toBe('14:05');
    expect(formatTick(t, 'date', 'en')).toBe('10 Mar');
    expect(formatTick(t, 'date', 'vi')).toMatch(/^10 thg 3$/);
    expect(formatTick(t, 'dayTime', 'vi')).toMatch(/^10 thg 3 14:05$/);
    // 23:30 UTC is already the next day in Hanoi.
    expect(formatTick(Date.UTC(2026, 2, 10, 23, 30) / 1000, 'date', 'en')).toBe('11 Mar');
  });
});

describe('one number format per language', () => {
  it('writes "36.947,7" in Vietnamese and "36,947.7" in English, the same on cards, reports and axes', () => {
    expect(formatValue(36_947.7, 'vi')).toBe('36.947,7');
    expect(formatValue(36_947.7, 'en')).toBe('36,947.7');
    expect(formatNumber(46_000, 'vi')).toBe('46.000');
    expect(formatNumber(0.00123, 'vi')).toBe('0,00123');
    expect(formatFigure(64.875, 'en')).toBe('64.88');
    expect(formatFigure(64.875, 'vi')).toBe('64,88');
    expect(formatFigure(null, 'vi')).toBe('—');
    expect(formatFixed(90.5, 1, 'vi')).toBe('90,5');
    expect(formatFixed(21.02851, 4, 'en')).toBe('21.0285');
  });

  it('reads back as the value within the digits shown, in both languages', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constantFrom('vi' as const, 'en' as const), (v, language) => {
        const text = formatValue(v, language);
        const back = parseNumber(text, language);
        // At most 3 decimals at or above 1, 3 significant digits below.
        const allowed = Math.abs(v) >= 1 ? 0.0005 : Math.abs(v) * 0.005 + Number.MIN_VALUE;
        expect(Math.abs(back - v)).toBeLessThanOrEqual(allowed * (1 + 1e-9) + 1e-12);
      }),
      { numRuns: 500 },
    );
  });
});
