import type { Catalogue, InfluxQuery, StationSummary } from '../../core/index.js';
import { sendJson, systemClock, type Clock } from '../../platform/index.js';
import { idParam } from '../../platform/http/query-params.js';
import { methodIs, type ApiRoutes } from './api-context.js';
import type { LiveHub } from './live-hub.js';
import { sendAvailability } from './station-availability.js';
import { sendHistory, sendHistoryCsv } from './station-history.js';
import { createStationParams } from './station-params.js';

export interface StationRoutesOptions {
  catalogue: Catalogue;
  stations: () => StationSummary[];
  hub: Pick<LiveHub, 'latest' | 'presence' | 'storage'>;
  query?: InfluxQuery;
  clock?: Clock;
}

const AVAILABILITY = /^\/api\/stations\/([^/]+)\/availability$/;

/**
 * Read-only station data for any logged-in user: the catalogue, latest values, presence (from
 * the live hub), history (downsampled in InfluxQL) and its CSV (station-history.ts), and a day's
 * data availability (station-availability.ts).
 */
export function createStationRoutes(options: StationRoutesOptions): ApiRoutes {
  const { hub } = options;
  const params = createStationParams(options.catalogue, options.clock ?? systemClock, options.query);

  return async (req, res, ctx) => {
    const { path, query: q } = ctx;
    if (path === '/api/stations') {
      methodIs(req, 'GET', 'HEAD');
      sendJson(res, 200, { stations: options.stations() });
      return true;
    }
    if (path === '/api/latest') {
      methodIs(req, 'GET', 'HEAD');
      const station = idParam(q, 'station', (id) => options.catalogue.station(id) !== undefined);
      const latest = hub.latest();
      sendJson(res, 200, { latest: station ? latest.filter((r) => r.station === station) : latest });
      return true;
    }
    if (path === '/api/presence') {
      methodIs(req, 'GET', 'HEAD');
      sendJson(res, 200, { presence: hub.presence(), storage: hub.storage() });
      return true;
    }
    if (path === '/api/history' || path === '/api/history.csv') {
      methodIs(req, 'GET', 'HEAD');
      await (path === '/api/history' ? sendHistory : sendHistoryCsv)(res, q, params);
      return true;
    }
    const m = AVAILABILITY.exec(path);
    if (m) {
      methodIs(req, 'GET', 'HEAD');
      await sendAvailability(res, params, m[1]!, q);
      return true;
    }
    return false;
  };
}
