import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route, RouteUser } from '../core/index.js';
import { HttpError, idParam, pathOf, queryOf, sendJson } from '../platform/index.js';
import type { RelayedAlerts } from './downstream-alerts.js';
import type { RelayStates } from './downstream-status.js';

export interface DownstreamRoutesOptions {
  states: RelayStates;
  alerts: RelayedAlerts;
  /** The stations a relay account serves (the broker's credentials); undefined for no such account. */
  accountStations(account: string): readonly string[] | undefined;
  stationExists(id: string): boolean;
}

const user = (u: RouteUser | undefined): RouteUser => {
  if (!u) throw new HttpError(401, 'ERR_LOGIN', 'log in first');
  return u;
};

const onlyGet = (req: IncomingMessage): void => {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'ERR_METHOD', 'use GET');
};

/**
 * GET /api/relays: the province centres forwarding here, those with a station in the user's
 * scope (a country scope sees every one); `stations` counts the account's stations in scope.
 */
function relaysRoute(o: DownstreamRoutesOptions): Route {
  return {
    prefix: '/api/relays',
    handle(req: IncomingMessage, res: ServerResponse, u?: RouteUser) {
      if (pathOf(req) !== '/api/relays') return false;
      onlyGet(req);
      const { scope } = user(u);
      const relays = [];
      for (const s of o.states.list()) {
        const inScope = (o.accountStations(s.account) ?? []).filter((id) => scope.has(id)).length;
        if (inScope === 0 && !scope.all) continue;
        const { account, connected, lagMs, backlogPoints, backlogBytes, seenAt } = s;
        relays.push({ account, connected, lagMs, backlogPoints, backlogBytes, seenAt, stations: inScope });
      }
      sendJson(res, 200, { relays });
      return true;
    },
  };
}

/** GET /api/relayed-alerts[?station=]: open alerts province centres reported, for stations in scope; one out of scope is a 404, as unknown. */
function relayedAlertsRoute(o: DownstreamRoutesOptions): Route {
  return {
    prefix: '/api/relayed-alerts',
    handle(req: IncomingMessage, res: ServerResponse, u?: RouteUser) {
      if (pathOf(req) !== '/api/relayed-alerts') return false;
      onlyGet(req);
      const { scope } = user(u);
      const station = idParam(queryOf(req), 'station');
      if (station !== undefined && (!o.stationExists(station) || !scope.has(station)))
        throw new HttpError(404, 'ERR_NO_STATION', `no station "${station}"`);
      const visible = station === undefined ? (id: string) => scope.has(id) : (id: string) => id === station;
      const alerts = o.alerts.open(visible).map(({ account, event }) => ({ account, event }));
      sendJson(res, 200, { alerts });
      return true;
    },
  };
}

/** The downstream's routes; they need a login (the dashboard mounts them behind the session). */
export function createDownstreamRoutes(options: DownstreamRoutesOptions): Route[] {
  return [relaysRoute(options), relayedAlertsRoute(options)];
}
