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

/** The chart's time window, epoch ms. */
export interface Window {
  from: number;
  to: number;
}

/** One bucket of the chart: valid values (sum, count, min, max) and flagged ones (sum, count), apart. */
interface Bucket {
  sum: number;
  n: number;
  min: number;
  max: number;
  fsum: number;
  fn: number;
}

const emptyBucket = (): Bucket => ({ sum: 0, n: 0, min: Infinity, max: -Infinity, fsum: 0, fn: 0 });

/** A silence longer than this is drawn as a gap: twice the bucket or the reporting interval, whichever is longer. */
export const gapAfterMs = (stepMs: number, intervalMs: number): number => 2 * Math.max(stepMs, intervalMs);

/** Columns of the chart before the limit lines: x in seconds, then mean, min, max and flagged values. */
export interface Columns {
  x: number[];
  mean: Array<number | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  flag: Array<number | null>;
  /** Silences drawn as gaps (null points put between two buckets). */
  gaps: number;
}

/**
 * The chart's data: the history's buckets (GROUP BY time on the server, aligned on the epoch
 * like `floor(ts / step) * step`), and live readings added into the same buckets (the current
 * one updated in place), so live and history points mean the same thing. The columns span the
 * whole window (an empty point at each end), so the x axis shows the chosen range, not the
 * data's; a silence longer than the gap is a null point, which breaks the line.
 */
export class HistorySeries {
  readonly #buckets = new Map<number, Bucket>();
  #stepMs = 60_000;
  /** Readings before this are in the history already (the time it was asked up to). */
  #coveredTo = -Infinity;

  get stepMs(): number {
    return this.#stepMs;
  }

  /** Replaces the buckets with a history answer that covers time up to `coveredTo`. */
  set(h: History, coveredTo: number): void {
    this.#buckets.clear();
    this.#stepMs = h.stepMs;
    this.#coveredTo = coveredTo;
    for (const [t0, mean, min, max, count] of h.points) {
      const n = Math.max(1, count);
      this.#buckets.set(t0, { ...emptyBucket(), sum: mean * n, n, min, max });
    }
    for (const [t0, value] of h.flagged) {
      const b = this.#buckets.get(t0) ?? emptyBucket();
      b.fsum += value;
      b.fn += 1;
      this.#buckets.set(t0, b);
    }
  }

  /** Adds a live reading to its bucket (calibration and fault values apart); false when the history has it already. */
  add(r: Reading): boolean {
    if (r.ts < this.#coveredTo || !Number.isFinite(r.value)) return false;
    const t0 = Math.floor(r.ts / this.#stepMs) * this.#stepMs;
    let b = this.#buckets.get(t0);
    if (b === undefined) {
      b = emptyBucket();
      this.#buckets.set(t0, b);
    }
    if (r.status === '00') {
      b.sum += r.value;
      b.n += 1;
      b.min = Math.min(b.min, r.value);
      b.max = Math.max(b.max, r.value);
    } else {
      b.fsum += r.value;
      b.fn += 1;
    }
    return true;
  }

  /** Forgets buckets wholly before `from` (the window slid past them). */
  trim(from: number): void {
    for (const t0 of this.#buckets.keys()) if (t0 + this.#stepMs <= from) this.#buckets.delete(t0);
  }

  /** The columns for a window: its two ends, the buckets in it (one begun before it at its start), gaps. */
  columns(w: Window, gapMs: number): Columns {
    const c: Columns = { x: [], mean: [], min: [], max: [], flag: [], gaps: 0 };
    const push = (ms: number, b: Bucket | undefined): void => {
      c.x.push(ms / 1000);
      const valid = b !== undefined && b.n > 0;
      c.mean.push(valid ? b.sum / b.n : null);
      c.min.push(valid ? b.min : null);
      c.max.push(valid ? b.max : null);
      c.flag.push(b !== undefined && b.fn > 0 ? b.fsum / b.fn : null);
    };
    const keys = [...this.#buckets.keys()].filter((t0) => t0 + this.#stepMs > w.from && t0 <= w.to).sort((a, b) => a - b);
    let prev: number | undefined;
    for (const t0 of keys) {
      const at = Math.max(t0, w.from);
      if (prev === undefined && at > w.from) push(w.from, undefined);
      if (prev !== undefined && at - prev > gapMs) {
        push(Math.round((prev + at) / 2), undefined);
        c.gaps += 1;
      }
      push(at, this.#buckets.get(t0));
      prev = at;
    }
    if (prev === undefined) push(w.from, undefined);
    if ((prev ?? w.from) < w.to) push(w.to, undefined);
    return c;
  }
}

/** uPlot's data: x, mean, min, max, the limit's upper and lower lines, flagged values. */
export function plotData(c: Columns, limit: History['limit'] | undefined): uPlot.AlignedData {
  const line = (v: number | undefined): Array<number | null> => c.x.map(() => v ?? null);
  return [c.x, c.mean, c.min, c.max, line(limit?.max), line(limit?.min), c.flag];
}
