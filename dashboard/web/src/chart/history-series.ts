import type uPlot from 'uplot';
import type { Reading } from '../../../../core/index.js';

export type ChartRange = 'live' | '1h' | '24h' | '7d' | 'custom';

export const SPAN_MS: Record<Exclude<ChartRange, 'custom'>, number> = {
  live: 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

/** `GET /api/history`: buckets of [time, mean, min, max, count] and flagged values [time, value, status]. */
export interface History {
  unit: string;
  stepMs: number;
  limit: { max: number; min?: number } | null;
  points: Array<[number, number, number, number, number]>;
  flagged: Array<[number, number, string]>;
}

type Bucket = { mean: number | null; min: number | null; max: number | null; flag: number | null };
const EMPTY: Bucket = { mean: null, min: null, max: null, flag: null };

/**
 * The chart's columns (uPlot's aligned data, x in seconds): history buckets, then live
 * readings appended as they come. A null point is put in every silence longer than the gap,
 * so that the line breaks there instead of joining across missing data.
 */
export class HistorySeries {
  x: number[] = [];
  mean: Array<number | null> = [];
  min: Array<number | null> = [];
  max: Array<number | null> = [];
  flag: Array<number | null> = [];
  /** Time of the newest point, epoch ms: an older live reading is not appended. */
  lastTs = -Infinity;

  /** Replaces the columns with a history answer. */
  set(h: History, gapMs: number): void {
    const byX = new Map<number, Bucket>();
    for (const [t0, mean, min, max] of h.points) byX.set(t0, { mean, min, max, flag: null });
    for (const [t0, mean] of h.flagged) byX.set(t0, { ...(byX.get(t0) ?? EMPTY), flag: mean });
    const xs: number[] = [];
    for (const x of [...byX.keys()].sort((a, b) => a - b)) {
      const prev = xs[xs.length - 1];
      if (prev !== undefined && x - prev > gapMs) {
        const mid = Math.round((prev + x) / 2);
        byX.set(mid, EMPTY);
        xs.push(mid);
      }
      xs.push(x);
    }
    this.x = xs.map((x) => x / 1000);
    this.mean = xs.map((x) => byX.get(x)!.mean);
    this.min = xs.map((x) => byX.get(x)!.min);
    this.max = xs.map((x) => byX.get(x)!.max);
    this.flag = xs.map((x) => byX.get(x)!.flag);
    this.lastTs = xs.length > 0 ? xs[xs.length - 1]! : -Infinity;
  }

  /**
   * Appends a live reading (calibration and fault values as flagged dots) and drops what fell
   * out of the window of `spanMs`. Returns the new window, or undefined when the reading is old.
   */
  append(r: Reading, gapMs: number, spanMs: number): { from: number; to: number } | undefined {
    if (r.ts <= this.lastTs) return undefined;
    this.lastTs = r.ts;
    const valid = r.status === '00';
    const prev = this.x[this.x.length - 1];
    if (prev !== undefined && r.ts - prev * 1000 > gapMs) {
      this.x.push((prev + r.ts / 1000) / 2);
      for (const a of [this.mean, this.min, this.max, this.flag]) a.push(null);
    }
    this.x.push(r.ts / 1000);
    this.mean.push(valid ? r.value : null);
    this.min.push(valid ? r.value : null);
    this.max.push(valid ? r.value : null);
    this.flag.push(valid ? null : r.value);
    // The window slides with the clock.
    const cutoff = (r.ts - spanMs) / 1000;
    let drop = 0;
    while (drop < this.x.length && this.x[drop]! < cutoff) drop += 1;
    if (drop > 0) for (const a of [this.x, this.mean, this.min, this.max, this.flag]) a.splice(0, drop);
    return { from: cutoff * 1000, to: r.ts };
  }

  /** uPlot's data: x, mean, min, max, the limit's upper and lower lines, flagged values. */
  data(limit: History['limit'] | undefined): uPlot.AlignedData {
    const n = this.x.length;
    const line = (v: number | undefined): Array<number | null> => Array.from({ length: n }, () => v ?? null);
    return [this.x, this.mean, this.min, this.max, line(limit?.max), line(limit?.min), this.flag];
  }
}
