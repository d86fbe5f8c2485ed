import { availabilityFigures, expectedIntervals, percentOf, type DayFigures, type HourFigures, type ReportLimit } from '../core/index.js';
import { DAY_MS, HOUR_MS, QUARTER_MS, localDate, localHour } from '../platform/index.js';

/**
 * The validity rules (docs/DOMAIN.md, "Averages and data validity"; adopted from US/EU CEMS
 * practice, no Vietnamese rule being known), applied to quarter-hour aggregates that
 * InfluxDB computed from the valid values only (status 00, inside the instrument range):
 *
 * - a valid hour has values in at least 3 of its 4 quarter-hours (40 CFR 60.13(h) style);
 * - a half-hour is valid when both of its quarter-hours hold values: the same 75 % coverage
 *   the hour rule asks for (3 of 4 quarters; of 2 quarters that is both);
 * - a valid day has at most 5 invalid half-hours (EU IED 2010/75/EU Annex VI);
 * - the hourly average is the mean of its quarter-hour means, so a gateway that sends faster
 *   in one quarter does not outweigh the others; the daily average is the mean of the day's
 *   valid hourly averages;
 * - compliance is judged on averages: an exceedance is a valid hourly average (or the
 *   daily average of a valid day) above the limit in force that day, or below its lower
 *   bound (pH); a lone spike is an early warning, not a violation;
 * - availability is per reporting interval (core/availability.ts, the same rule as the
 *   dashboard's): interval-long slots (`intervalS`) holding at least one valid value over
 *   the slots expected, so duplicates and bursts count once and it is never above 100 %.
 * A period not over yet (at `now`) is neither valid nor invalid: `valid` is null, and
 * availability counts only the slots begun by then.
 */
export const MAX_INVALID_HALF_HOURS = 5;
export const MIN_QUARTERS_PER_HOUR = 3;

/** Aggregates of the valid values in one quarter-hour. */
export interface QuarterStats {
  count: number;
  mean: number;
  min: number;
  max: number;
}

/** One parameter's quarter-hours (keyed by start, epoch ms) and valid slots begun in each quarter. */
export interface SeriesData {
  quarters: ReadonlyMap<number, QuarterStats>;
  slots: ReadonlyMap<number, number>;
}

export interface RuleContext {
  now: number;
  /** The station's reporting interval (catalogue `intervalS`), in ms. */
  slotMs: number;
  /** Where the slot grid starts: slots begin at slotOffsetMs + k * slotMs. */
  slotOffsetMs: number;
  limit: ReportLimit | null;
}

/** Means are rounded for the report; exceedances are judged on the figure the report shows. */
export const roundMean = (x: number): number => Math.round(x * 1e4) / 1e4;
export const percent = percentOf;

export function outsideLimit(mean: number, limit: ReportLimit | null): boolean {
  if (limit === null) return false;
  return mean > limit.max || (limit.lower !== undefined && mean < limit.lower);
}

/** Slot starts in [from, to): expected values over that window. */
export function expectedSlots(from: number, to: number, ctx: Pick<RuleContext, 'slotMs' | 'slotOffsetMs'>): number {
  return expectedIntervals(from, to, ctx.slotMs, ctx.slotOffsetMs);
}

/** Valid slots begun in the quarter-hours that start in [from, to). */
function receivedSlots(data: SeriesData, from: number, to: number): number {
  let n = 0;
  for (let q = from; q < to; q += QUARTER_MS) n += data.slots.get(q) ?? 0;
  return n;
}

/** Availability over [from, to): slots begun there, and those of them holding a valid value. */
function slotAvailability(data: SeriesData, from: number, to: number, ctx: RuleContext) {
  const expected = expectedSlots(from, to, ctx);
  const n = receivedSlots(data, from, to);
  return availabilityFigures({ received: n, valid: n, expected, intervalsWithData: n });
}

interface Spread {
  count: number;
  min: number | null;
  max: number | null;
}

function spread(data: SeriesData, from: number, to: number): Spread & { quarters: number; meanOfQuarters: number | null } {
  let count = 0;
  let quarters = 0;
  let sumOfMeans = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (let q = from; q < to; q += QUARTER_MS) {
    const s = data.quarters.get(q);
    if (s === undefined || s.count === 0) continue;
    count += s.count;
    quarters += 1;
    sumOfMeans += s.mean;
    min = min === null ? s.min : Math.min(min, s.min);
    max = max === null ? s.max : Math.max(max, s.max);
  }
  return { count, min, max, quarters, meanOfQuarters: quarters > 0 ? sumOfMeans / quarters : null };
}

export function hourFigures(start: number, data: SeriesData, ctx: RuleContext): HourFigures {
  const end = start + HOUR_MS;
  const s = spread(data, start, end);
  const over = end <= ctx.now;
  const valid = over ? s.quarters >= MIN_QUARTERS_PER_HOUR : null;
  const mean = s.meanOfQuarters === null ? null : roundMean(s.meanOfQuarters);
  const a = slotAvailability(data, start, Math.min(end, ctx.now), ctx);
  return {
    start,
    hour: localHour(start),
    count: s.count,
    min: s.min,
    max: s.max,
    mean,
    quarters: s.quarters,
    valid,
    expected: a.expected,
    received: a.intervalsWithData,
    availability: a.percent,
    exceeds: valid === true && mean !== null && outsideLimit(mean, ctx.limit),
  };
}

/** A local day (from its midnight) of one parameter: the day's figures and its 24 hours. */
export function dayFigures(dayStart: number, data: SeriesData, ctx: RuleContext): { day: DayFigures; hours: HourFigures[] } {
  const dayEnd = dayStart + DAY_MS;
  const hours: HourFigures[] = [];
  for (let h = dayStart; h < dayEnd; h += HOUR_MS) hours.push(hourFigures(h, data, ctx));

  let invalidHalfHours = 0;
  for (let t = dayStart; t < dayEnd && t + QUARTER_MS * 2 <= ctx.now; t += QUARTER_MS * 2) {
    const both = (data.quarters.get(t)?.count ?? 0) > 0 && (data.quarters.get(t + QUARTER_MS)?.count ?? 0) > 0;
    if (!both) invalidHalfHours += 1;
  }
  const over = dayEnd <= ctx.now;
  // An unfinished day is already invalid once too many half-hours failed; else it is undecided.
  const valid = invalidHalfHours > MAX_INVALID_HALF_HOURS ? false : over ? true : null;

  const validHours = hours.filter((h) => h.valid === true);
  const mean = validHours.length > 0 ? roundMean(validHours.reduce((a, h) => a + h.mean!, 0) / validHours.length) : null;
  const s = spread(data, dayStart, dayEnd);
  const a = slotAvailability(data, dayStart, Math.min(dayEnd, ctx.now), ctx);
  return {
    hours,
    day: {
      date: localDate(dayStart),
      count: s.count,
      min: s.min,
      max: s.max,
      mean,
      validHours: validHours.length,
      invalidHalfHours,
      valid,
      expected: a.expected,
      received: a.intervalsWithData,
      availability: a.percent,
      exceedances: hours.filter((h) => h.exceeds).length,
      meanExceeds: valid === true && mean !== null && outsideLimit(mean, ctx.limit),
      limit: ctx.limit,
    },
  };
}
