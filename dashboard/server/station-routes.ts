import type { Catalogue, InfluxQuery, StationSummary } from '../../core/index.js';
import { sendJson, systemClock, type Clock } from '../../platform/index.js';
import { decodeSegment, idOf, idParam } from '../../platform/http/query-params.js';
import { methodIs, refusedByScope, requireStation, type ApiContext, type ApiRoutes } from './api-context.js';
import type { LiveHub } from './live-hub.js';
import { sendAvailability } from './station-availability.js';
import { sendHistory, sendHistoryCsv } from './station-history.js';
import { createStationParams } from './station-params.js';
import { isFacilityScope } from './user-scope.js';

export interface StationRoutesOptions {
  catalogue: Catalogue;
  stations: () => StationSummary[];
  hub: Pick<LiveHub, 'latest' | 'presence' | 'storage'>;
  query?: InfluxQuery;
  clock?: Clock;
}

const AVAILABILITY = /^\/api\/stations\/([^/]+)\/availability$/;
const ONE_STATION = /^\/api\/stations\/([^/]+)$/;

/** `?station=` of /api/latest: unknown and out of scope get the same 400 (the catalogue check of query-params.ts). */
function latestStation(catalogue: Catalogue, ctx: ApiContext): string | undefined {
  return idParam(ctx.query, 'station', (id) => {
    if (catalogue.station(id) === undefined) return false;
    if (ctx.principal.scope.all || ctx.principal.scope.has(id)) return true;
    refusedByScope(ctx, id);
    return false;
  });
}

/**
 * Read-only station data for any logged-in user, only of the stations in their scope
 * (docs/SECURITY.md, "Access by level"; out of scope looks like not found): the catalogue,
 * latest values, presence (from the live hub), history (downsampled in InfluxQL) and its CSV
 * (station-history.ts), and a day's data availability (station-availability.ts).
 */
export function createStationRoutes(options: StationRoutesOptions): ApiRoutes {
  const { hub, catalogue } = options;
  const params = createStationParams(catalogue, options.clock ?? systemClock, options.query);

  return async (req, res, ctx) => {
    const { path } = ctx;
    const scope = ctx.principal.scope;
    const inScope = <T extends { station: string }>(items: T[]): T[] => (scope.all ? items : items.filter((i) => scope.has(i.station)));
    if (path === '/api/stations') {
      methodIs(req, 'GET', 'HEAD');
      const all = options.stations();
      sendJson(res, 200, { stations: scope.all ? all : all.filter((s) => scope.has(s.id)) });
      return true;
    }
    if (path === '/api/latest') {
      methodIs(req, 'GET', 'HEAD');
      const station = latestStation(catalogue, ctx);
      const latest = inScope(hub.latest());
      sendJson(res, 200, { latest: station ? latest.filter((r) => r.station === station) : latest });
      return true;
    }
    if (path === '/api/presence') {
      methodIs(req, 'GET', 'HEAD');
      // The centre's storage condition is its own affair, not a company's (a facility user's scope).
      sendJson(res, 200, { presence: inScope(hub.presence()), storage: isFacilityScope(ctx.principal.user.scope) ? null : hub.storage() });
      return true;
    }
    if (path === '/api/history' || path === '/api/history.csv') {
      methodIs(req, 'GET', 'HEAD');
      await (path === '/api/history' ? sendHistory : sendHistoryCsv)(res, ctx, params);
      return true;
    }
    const m = AVAILABILITY.exec(path);
    if (m) {
      methodIs(req, 'GET', 'HEAD');
      await sendAvailability(res, params, m[1]!, ctx);
      return true;
    }
    const one = ONE_STATION.exec(path);
    if (one) {
      methodIs(req, 'GET', 'HEAD');
      const id = requireStation(catalogue, ctx, idOf(decodeSegment(one[1]!, 'station'), 'station')).id;
      sendJson(res, 200, { station: options.stations().find((s) => s.id === id) });
      return true;
    }
    return false;
  };
}
