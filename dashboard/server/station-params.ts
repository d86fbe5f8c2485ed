import type { Catalogue, InfluxQuery } from '../../core/index.js';
import { DAY_MS, HttpError, type Clock } from '../../platform/index.js';
import { parseInstant } from './api-context.js';

export interface TimeRange {
  from: number;
  to: number;
}

/** What the station data routes share: the catalogue, the time, the database, and the checks of their query parameters. */
export interface StationParams {
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  /** The InfluxQL runner; a 503 when the centre runs without a database. */
  query(): InfluxQuery;
  /** `?station=`, a station of the catalogue (else 404). */
  station(q: URLSearchParams): string;
  /** `?from=&to=` (epoch ms or ISO 8601): `to` defaults to now, `from` to `defaultSpanMs` before it; at most `maxMs` long. */
  range(q: URLSearchParams, defaultSpanMs: number, maxMs: number): TimeRange;
}

export function createStationParams(catalogue: Catalogue, clock: Clock, query: InfluxQuery | undefined): StationParams {
  return {
    catalogue,
    clock,
    query() {
      if (!query) throw new HttpError(503, 'ERR_NO_HISTORY', 'history is not available (no database)');
      return query;
    },
    station(q) {
      const station = q.get('station') ?? '';
      if (!catalogue.station(station)) throw new HttpError(404, 'ERR_NO_STATION', `no station "${station}"`);
      return station;
    },
    range(q, defaultSpanMs, maxMs) {
      const to = parseInstant(q.get('to'), clock.now(), 'to');
      const from = parseInstant(q.get('from'), to - defaultSpanMs, 'from');
      if (!(from < to)) throw new HttpError(400, 'ERR_BAD_RANGE', 'from must be before to');
      if (to - from > maxMs) throw new HttpError(400, 'ERR_RANGE_TOO_LONG', `at most ${Math.round(maxMs / DAY_MS)} days at a time`);
      return { from, to };
    },
  };
}
