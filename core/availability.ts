/**
 * Data availability per reporting interval (docs/DOMAIN.md, "Averages and data validity"):
 * a station is expected to send one value per interval (its catalogue `intervalS`); an
 * interval counts as available when it holds at least one valid value. Counting values
 * instead would let a backlog or a gateway sending twice as fast hide a silence, so
 * duplicates and bursts count once per interval, and the share can never exceed 100 %.
 *
 * The interval grid starts at `offsetMs + k * intervalMs` (a local midnight for a day), and
 * an interval is expected once it has begun before `to`: for a day not over yet, only the
 * intervals begun by now count.
 */

/** A time inside an interval and the valid values seen there (a row of `count(...) GROUP BY time(...)`, or one value). */
export interface IntervalCount {
  time: number;
  count: number;
}

export interface AvailabilityInput {
  /** Window [from, to), epoch ms. */
  from: number;
  to: number;
  /** The reporting interval, ms (> 0). */
  intervalMs: number;
  /** Where the grid starts: intervals begin at offsetMs + k * intervalMs. Default: `from`. */
  offsetMs?: number;
  /** Valid values per interval; several entries in one interval count once. */
  counts: Iterable<IntervalCount>;
  /** Values received (any status) and valid ones, reported alongside; default: the sum of `counts`. */
  received?: number;
  valid?: number;
}

export interface AvailabilityFigures {
  /** Values received, any status. */
  received: number;
  /** Values received and valid. */
  valid: number;
  /** Intervals begun in the window. */
  expected: number;
  /** Expected intervals holding at least one valid value (at most `expected`). */
  intervalsWithData: number;
  /** 100 x intervalsWithData / expected, to 2 decimals; null when nothing is expected yet. */
  percent: number | null;
}

/** The rule in words, for API answers and report labels. */
export const AVAILABILITY_RULE =
  'availability per reporting interval: intervals of the station (its intervalS, from local midnight UTC+7) holding at least one valid value (status 00, inside the instrument range) over the intervals begun, in %; several values in one interval count once, so it is never above 100 %';

/** A percentage to 2 decimals; null for an empty whole. */
export const percentOf = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1e4) / 100 : null);

function checkGrid(intervalMs: number, from: number, to: number): void {
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`availability: intervalMs must be > 0 (got ${intervalMs})`);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('availability: from and to must be finite times');
}

/** Index of the interval holding `t` on the grid offsetMs + k * intervalMs. */
const intervalIndex = (t: number, intervalMs: number, offsetMs: number): number => Math.floor((t - offsetMs) / intervalMs);

/** Intervals begun in [from, to) on the grid offsetMs + k * intervalMs. */
export function expectedIntervals(from: number, to: number, intervalMs: number, offsetMs = from): number {
  checkGrid(intervalMs, from, to);
  if (to <= from) return 0;
  return Math.ceil((to - offsetMs) / intervalMs) - Math.ceil((from - offsetMs) / intervalMs);
}

/** Availability of one parameter over a window, from valid values per interval (see the module comment). */
export function availability(input: AvailabilityInput): AvailabilityFigures {
  const { from, to, intervalMs } = input;
  const offsetMs = input.offsetMs ?? from;
  const expected = expectedIntervals(from, to, intervalMs, offsetMs);
  // Intervals begun in the window: indexes first .. first + expected - 1.
  const first = Math.ceil((from - offsetMs) / intervalMs);
  const seen = new Set<number>();
  let sum = 0;
  for (const c of input.counts) {
    // A value outside [from, to) is not in the window, even inside an interval begun in it.
    if (!(c.count > 0) || !(c.time >= from && c.time < to)) continue;
    sum += c.count;
    const k = intervalIndex(c.time, intervalMs, offsetMs);
    if (k >= first && k < first + expected) seen.add(k);
  }
  const valid = input.valid ?? sum;
  return availabilityFigures({ received: input.received ?? valid, valid, expected, intervalsWithData: seen.size });
}

/**
 * The figures from intervals already counted (e.g. by InfluxDB, per quarter-hour): the
 * intervals with data are capped at those expected, a guard for a caller that counted
 * intervals outside the window; the rule itself never needs it.
 */
export function availabilityFigures(f: Omit<AvailabilityFigures, 'percent'>): AvailabilityFigures {
  const intervalsWithData = Math.max(0, Math.min(f.intervalsWithData, f.expected));
  return { ...f, intervalsWithData, percent: percentOf(intervalsWithData, f.expected) };
}
