import type { QuerySeries, Station, StationParameter } from '../core/index.js';
import { QUARTER_MS } from '../platform/index.js';
import type { QuarterStats, SeriesData } from './validity.js';

/** An InfluxQL string literal. Ids come from the catalogue, but quoting stays correct regardless. */
export const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The valid values of one parameter at a station (docs/DOMAIN.md): status 00 only (01 calibrating
 * and 02 device fault never count toward compliance), inside the instrument range when the
 * catalogue gives one. One parameter per query: with the tags in a plain AND, InfluxDB picks
 * the series from its index and tests only the value of each point (an OR over parameters
 * mixing tags and fields measured about 4 times slower on a month of minute data).
 */
export function validValuesWhere(station: Station, parameter: StationParameter, from: number, to: number): string {
  const parts = [`"station" = ${literal(station.id)}`, `"parameter" = ${literal(parameter.parameter)}`, `"status" = '00'`];
  if (parameter.rangeMin !== undefined) parts.push(`"value" >= ${parameter.rangeMin}`);
  if (parameter.rangeMax !== undefined) parts.push(`"value" <= ${parameter.rangeMax}`);
  parts.push(`time >= ${from}ms AND time < ${to}ms`);
  return parts.join(' AND ');
}

/**
 * Count, mean, min and max of the valid values per quarter-hour. Quarter-hours of UTC+7
 * coincide with those of UTC (7 h is a whole number of quarters), so InfluxDB's
 * epoch-aligned GROUP BY time(15m) needs no tz() or offset.
 */
export function quarterQuery(station: Station, parameter: StationParameter, from: number, to: number): string {
  return `SELECT count("value") AS "count", mean("value") AS "mean", min("value") AS "min", max("value") AS "max" FROM "reading" WHERE ${validValuesWhere(station, parameter, from, to)} GROUP BY time(15m), "parameter" fill(none)`;
}

/** The grid of reporting slots: one expected value per `intervalS`, offset to start at `from` (a local midnight). */
export function slotGrid(station: Station, from: number): { slotMs: number; slotOffsetMs: number } {
  const slotMs = station.intervalS * 1000;
  return { slotMs, slotOffsetMs: ((from % slotMs) + slotMs) % slotMs };
}

/**
 * Expected values are one per reporting interval: the inner query marks each interval-long
 * slot holding a valid value, the outer counts those slots per quarter-hour (by slot start).
 */
export function slotQuery(station: Station, parameter: StationParameter, from: number, to: number): string {
  const { slotOffsetMs } = slotGrid(station, from);
  const inner = `SELECT count("value") AS "n" FROM "reading" WHERE ${validValuesWhere(station, parameter, from, to)} GROUP BY time(${station.intervalS}s, ${slotOffsetMs / 1000}s), "parameter" fill(none)`;
  return `SELECT count("n") AS "slots" FROM (${inner}) WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(15m), "parameter" fill(none)`;
}

/** Reads both answers into one SeriesData per parameter. */
export function seriesByParameter(quarters: QuerySeries[], slots: QuerySeries[]): Map<string, SeriesData> {
  const out = new Map<string, { quarters: Map<number, QuarterStats>; slots: Map<number, number> }>();
  const entry = (parameter: string): { quarters: Map<number, QuarterStats>; slots: Map<number, number> } => {
    let e = out.get(parameter);
    if (e === undefined) {
      e = { quarters: new Map(), slots: new Map() };
      out.set(parameter, e);
    }
    return e;
  };
  for (const s of quarters) {
    const parameter = s.tags?.parameter;
    if (parameter === undefined) continue;
    const col = columns(s, ['time', 'count', 'mean', 'min', 'max']);
    const e = entry(parameter);
    for (const row of s.values) {
      const count = Number(row[col.count]);
      if (!(count > 0)) continue;
      e.quarters.set(quarterKey(row[col.time]), {
        count,
        mean: Number(row[col.mean]),
        min: Number(row[col.min]),
        max: Number(row[col.max]),
      });
    }
  }
  for (const s of slots) {
    const parameter = s.tags?.parameter;
    if (parameter === undefined) continue;
    const col = columns(s, ['time', 'slots']);
    const e = entry(parameter);
    for (const row of s.values) {
      const n = Number(row[col.slots]);
      if (n > 0) e.slots.set(quarterKey(row[col.time]), n);
    }
  }
  return out;
}

function quarterKey(time: unknown): number {
  const t = Number(time);
  return t - (((t % QUARTER_MS) + QUARTER_MS) % QUARTER_MS);
}

function columns<K extends string>(s: QuerySeries, names: K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const n of names) {
    const i = s.columns.indexOf(n);
    if (i < 0) throw new Error(`InfluxDB answer lacks column "${n}" (got ${s.columns.join(', ')})`);
    out[n] = i;
  }
  return out;
}
