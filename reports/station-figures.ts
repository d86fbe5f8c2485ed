import type {
  Catalogue,
  DayFigures,
  HourFigures,
  InfluxQuery,
  ReportLimit,
  ReportParameter,
  ReportStation,
  Station,
} from '../core/index.js';
import { DAY_MS, limitDay, localDate } from '../platform/index.js';
import { quarterQuery, seriesByParameter, slotGrid, slotQuery } from './influx-queries.js';
import { stationHeading } from './station-heading.js';
import { dayFigures, type SeriesData } from './validity.js';

export interface ParameterDays extends ReportParameter {
  days: Array<{ day: DayFigures; hours: HourFigures[] }>;
}

export interface StationFigures {
  station: ReportStation;
  parameters: ParameterDays[];
}

const EMPTY: SeriesData = { quarters: new Map(), slots: new Map() };

export function reportStation(catalogue: Catalogue, station: Station): ReportStation {
  const zone = catalogue.zoneOf(station.id);
  return {
    ...stationHeading(catalogue, station, zone),
    zoneName: zone?.name ?? '',
    province: zone?.province ?? '',
    intervalS: station.intervalS,
  };
}

function limitOn(catalogue: Catalogue, station: string, parameter: string, date: string): ReportLimit | null {
  const l = catalogue.limitAt(station, parameter, limitDay(date));
  if (l === undefined) return null;
  return { regulation: l.regulation, column: l.column, max: l.max, ...(l.lower !== undefined ? { lower: l.lower } : {}) };
}

/** InfluxDB is shared with ingest: a report runs at most this many queries at once. */
const QUERY_CONCURRENCY = 4;

/** Runs `tasks` with at most `limit` in flight; results in order. */
async function pooled<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/**
 * A station's figures for `days` local days from `from` (a local midnight): per parameter,
 * two InfluxQL queries over the whole span (quarter-hour aggregates and reporting slots),
 * then the validity rules in TypeScript (validity.ts), each day against the limit in force
 * that day.
 */
export async function stationFigures(
  query: InfluxQuery,
  catalogue: Catalogue,
  station: Station,
  from: number,
  days: number,
  now: number,
): Promise<StationFigures> {
  const to = from + days * DAY_MS;
  const grid = slotGrid(station, from);
  const answers = await pooled(
    station.parameters.flatMap((p) => [() => query(quarterQuery(station, p, from, to)), () => query(slotQuery(station, p, from, to))]),
    QUERY_CONCURRENCY,
  );
  const parameters = station.parameters.map((p, i): ParameterDays => {
    const def = catalogue.parameters.find((d) => d.symbol === p.parameter);
    const series = seriesByParameter(answers[2 * i]!, answers[2 * i + 1]!).get(p.parameter) ?? EMPTY;
    const out: ParameterDays['days'] = [];
    for (let d = from; d < to; d += DAY_MS) {
      const limit = limitOn(catalogue, station.id, p.parameter, localDate(d));
      out.push(dayFigures(d, series, { now, ...grid, limit }));
    }
    return {
      parameter: p.parameter,
      name: def?.name ?? p.parameter,
      nameVi: def?.nameVi ?? p.parameter,
      unit: p.unit,
      ...(p.rangeMin !== undefined ? { rangeMin: p.rangeMin } : {}),
      ...(p.rangeMax !== undefined ? { rangeMax: p.rangeMax } : {}),
      days: out,
    };
  });
  return { station: reportStation(catalogue, station), parameters };
}
