import type { ServerResponse } from 'node:http';
import type { QuerySeries } from '../../core/index.js';
import { DAY_MS, localDate, parseLocalDay, sendJson } from '../../platform/index.js';
import { dayOf, decodeSegment, idOf, single } from '../../platform/http/query-params.js';
import { requireStation, type ApiContext } from './api-context.js';
import { countQuery } from './history-query.js';
import type { StationParams } from './station-params.js';

interface Counts {
  received: number;
  valid: number;
}

/** Values received, and valid ones (status 00), per parameter, from a count query grouped by parameter and status. */
function countByParameter(series: QuerySeries[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const s of series) {
    const parameter = s.tags?.['parameter'] ?? '';
    const n = Number(s.values[0]?.[1] ?? 0);
    const c = counts.get(parameter) ?? { received: 0, valid: 0 };
    c.received += n;
    if ((s.tags?.['status'] ?? '00') === '00') c.valid += n;
    counts.set(parameter, c);
  }
  return counts;
}

/**
 * `GET /api/stations/<id>/availability?date=`: a local day's data availability per parameter,
 * up to now when the day is today (docs/DOMAIN.md, "Averages and data validity"). `encodedId`
 * is the path segment as sent.
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
  const expected = Math.floor((end - start) / (station.intervalS * 1000));
  const counts = countByParameter(end > start ? await params.query()(countQuery(station.id, start, end)) : []);
  const parameters = station.parameters.map((p) => {
    const c = counts.get(p.parameter) ?? { received: 0, valid: 0 };
    const percent = expected > 0 ? Math.min(100, (100 * c.valid) / expected) : null;
    return { parameter: p.parameter, received: c.received, valid: c.valid, expected, percent };
  });
  sendJson(res, 200, {
    station: station.id,
    date,
    from: start,
    to: end,
    intervalS: station.intervalS,
    parameters,
    // docs/DOMAIN.md, "Averages and data validity": no Vietnamese rule was found; this is adopted practice.
    rule: 'valid (status 00) values received / values expected at the station interval, since local midnight (UTC+7)',
  });
}
