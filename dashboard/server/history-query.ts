/**
 * InfluxQL for the station page and the CSV export. Station and parameter are checked
 * against the catalogue before they get here; they are still quoted and escaped, so no
 * input can change the statement.
 */

/** Bucket sizes a chart steps through, ms: 1 s ... 1 d. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** The smallest round bucket that keeps a range within `points` buckets. */
export function chooseStep(fromMs: number, toMs: number, points: number): number {
  const raw = Math.max(1, toMs - fromMs) / Math.max(1, points);
  return STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

export const quoteTag = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function where(station: string, parameter: string | undefined, fromMs: number, toMs: number): string {
  const p = parameter === undefined ? '' : ` AND "parameter" = ${quoteTag(parameter)}`;
  return `WHERE "station" = ${quoteTag(station)}${p} AND time >= ${Math.floor(fromMs)}ms AND time < ${Math.ceil(toMs)}ms`;
}

/** Mean, min, max and count per bucket, per status, so flagged values (01, 02) can be drawn apart. */
export function downsampleQuery(station: string, parameter: string, fromMs: number, toMs: number, stepMs: number): string {
  return `SELECT mean("value"), min("value"), max("value"), count("value") FROM "reading" ${where(station, parameter, fromMs, toMs)} GROUP BY time(${stepMs}ms), "status" fill(none)`;
}

/** Raw points of a station (optionally one parameter) in a window, tags as columns. */
export function rawQuery(station: string, parameter: string | undefined, fromMs: number, toMs: number): string {
  return `SELECT "value", "parameter", "status" FROM "reading" ${where(station, parameter, fromMs, toMs)}`;
}

/** Received values per parameter and status in a window (data availability). */
export function countQuery(station: string, fromMs: number, toMs: number): string {
  return `SELECT count("value") FROM "reading" ${where(station, undefined, fromMs, toMs)} GROUP BY "parameter", "status"`;
}

/** A station parameter's instrument range (catalogue), outside which a value is not valid. */
export interface ValueRange {
  rangeMin?: number | undefined;
  rangeMax?: number | undefined;
}

/**
 * Valid values (status 00, inside the instrument range: docs/DOMAIN.md) of one parameter per
 * reporting interval, on the grid `offsetMs + k * intervalMs`; intervals without values are
 * left out (fill(none)), since core/availability.ts counts only those with data.
 */
export function intervalCountQuery(
  station: string,
  parameter: string,
  range: ValueRange,
  fromMs: number,
  toMs: number,
  intervalMs: number,
  offsetMs: number,
): string {
  const r = [
    range.rangeMin !== undefined && Number.isFinite(range.rangeMin) ? ` AND "value" >= ${range.rangeMin}` : '',
    range.rangeMax !== undefined && Number.isFinite(range.rangeMax) ? ` AND "value" <= ${range.rangeMax}` : '',
  ].join('');
  const grid = `GROUP BY time(${Math.round(intervalMs)}ms, ${Math.round(offsetMs)}ms) fill(none)`;
  return `SELECT count("value") FROM "reading" ${where(station, parameter, fromMs, toMs)} AND "status" = '00'${r} ${grid}`;
}
