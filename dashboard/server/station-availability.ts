import type { ServerResponse } from 'node:http';
import { AVAILABILITY_RULE, availability, type IntervalCount, type QuerySeries } from '../../core/index.js';
import { DAY_MS, localDate, parseLocalDay, sendJson } from '../../platform/index.js';
import { dayOf, decodeSegment, idOf, single } from '../../platform/http/query-params.js';
import { requireStation, type ApiContext } from './api-context.js';
import { countQuery, intervalCountQuery } from './history-query.js';
import type { StationParams } from './station-params.js';

/** Values received (any status) per parameter, from a count query grouped by parameter and status. */
export function receivedByParameter(series: QuerySeries[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of series) {
    const parameter = s.tags?.['parameter'] ?? '';
    counts.set(parameter, (counts.get(parameter) ?? 0) + Number(s.values[0]?.[1] ?? 0));
  }
  return counts;
}

/** Rows of a `count(...) GROUP BY time(...)` answer as (interval start, valid values) pairs. */
export function intervalCounts(series: QuerySeries[]): IntervalCount[] {
  const out: IntervalCount[] = [];
  for (const s of series) {
    const time = s.columns.indexOf('time');
    const count = s.columns.indexOf('count');
    if (time < 0 || count < 0) continue;
    for (const row of s.values) out.push({ time: Number(row[time]), count: Number(row[count]) });
  }
  return out;
}

/** The rule the answer carries, so a reader can check the figure (docs/DOMAIN.md, "Averages and data validity"). */
const RULE = `${AVAILABILITY_RULE}; since local midnight (UTC+7), up to now for today`;

/**
 * `GET /api/stations/<id>/availability?date=`: a local day's data availability per parameter
 * and reporting interval (core/availability.ts, the reports' rule too), up to now when the
 * day is today. `encodedId` is the path segment as sent.
 */
export async function sendAvailability(res: ServerResponse, params: StationParams, encodedId: string, ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const stationId = idOf(decodeSegment(encodedId, 'station'), 'station');
  const station = requireStation(params.catalogue, ctx, stationId);
  const t = params.clock.now();
  const dateText = single(q, 'date');
  const date = dateText === null ? localDate(t) : dayOf(dateText, 'date');
  const start = parseLocalDay(date)!;
  const end = Math.min(start + DAY_MS, Math.max(start, t));
  const intervalMs = station.intervalS * 1000;
  const offsetMs = ((start % intervalMs) + intervalMs) % intervalMs;
  const query = end > start ? params.query() : undefined;
  const [received, ...perParameter] = await Promise.all([
    query ? query(countQuery(station.id, start, end)).then(receivedByParameter) : new Map<string, number>(),
    ...station.parameters.map((p) =>
      query ? query(intervalCountQuery(station.id, p.parameter, p, start, end, intervalMs, offsetMs)).then(intervalCounts) : [],
    ),
  ]);
  const parameters = station.parameters.map((p, i) => {
    const a = availability({ from: start, to: end, intervalMs, offsetMs, counts: perParameter[i] as IntervalCount[] });
    return { parameter: p.parameter, ...a, received: Math.max(received.get(p.parameter) ?? 0, a.valid) };
  });
  sendJson(res, 200, { station: station.id, date, from: start, to: end, intervalS: station.intervalS, parameters, rule: RULE });
}
