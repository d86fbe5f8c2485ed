import type { Catalogue, InfluxQuery } from '../../core/index.js';
import { DAY_MS, HttpError, type Clock } from '../../platform/index.js';
import { idParam, instantParam, ParamError } from '../../platform/http/query-params.js';
import { requireStation, type ApiContext } from './api-context.js';

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
  /** `?station=`, an id (else 400) of a station of the catalogue in the user's scope (else 404, the same for both). */
  station(q: URLSearchParams, ctx: ApiContext): string;
  /**
   * `?from=&to=` (epoch ms or ISO 8601, 1970 to 2100, platform query-params.ts): `to` defaults to
   * now, `from` to `defaultSpanMs` before it; at most `maxMs` long.
   */
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
    station(q, ctx) {
      const station = idParam(q, 'station');
      if (station === undefined) throw new ParamError('station', 'required');
      return requireStation(catalogue, ctx, station).id;
    },
    range(q, defaultSpanMs, maxMs) {
      const to = instantParam(q, 'to', clock.now());
      const from = instantParam(q, 'from', to - defaultSpanMs);
      if (!(from < to)) throw new HttpError(400, 'ERR_BAD_RANGE', 'from must be before to');
      if (to - from > maxMs) throw new HttpError(400, 'ERR_RANGE_TOO_LONG', `at most ${Math.round(maxMs / DAY_MS)} days at a time`);
      return { from, to };
    },
  };
}
