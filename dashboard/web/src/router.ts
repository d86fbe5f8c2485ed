import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { alertViewQuery, parseAlertView, type AlertView } from './alerts/alert-filter.js';

/** The page's places, in the URL's hash so that a reload or a shared link opens the same view. */
export type Route =
  | { name: 'overview'; view: 'table' | 'map' }
  | { name: 'zone'; zone: string; view: 'table' | 'map' }
  | { name: 'station'; station: string; parameter?: string }
  | { name: 'alerts'; tab: 'open' | 'history' | 'silences'; /** The open tab's filters and sort. */ view?: AlertView }
  | { name: 'report-station'; station: string; period: 'day' | 'month'; date?: string }
  | { name: 'report-zone'; zone: string; date?: string }
  | { name: 'incidents'; /** One zone's open incidents (the map's link). */ zone?: string }
  | { name: 'incident'; id: string }
  | { name: 'incident-report'; id: string }
  | { name: 'users' }
  | { name: 'forwarding' }
  | { name: 'audit' }
  | { name: 'not-found' };

/** Parses `#/station/BN-X?parameter=COD` and friends; unknown hashes give `not-found`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart, queryPart] = raw.split('?', 2) as [string, string | undefined];
  const q = new URLSearchParams(queryPart ?? '');
  const parts = pathPart
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const view = q.get('view') === 'map' ? 'map' : 'table';
  const date = q.get('date') ?? undefined;
  const [a, b, c] = parts;
  if (a === undefined || a === 'overview') return { name: 'overview', view };
  if (a === 'map') return { name: 'overview', view: 'map' };
  if (a === 'zone' && b) return { name: 'zone', zone: b, view };
  if (a === 'station' && b) return { name: 'station', station: b, ...(q.get('parameter') ? { parameter: q.get('parameter')! } : {}) };
  if (a === 'alerts') {
    if (b === 'history' || b === 'silences') return { name: 'alerts', tab: b };
    return { name: 'alerts', tab: 'open', view: parseAlertView(q) };
  }
  if (a === 'reports' && b === 'station' && c)
    return { name: 'report-station', station: c, period: q.get('period') === 'month' ? 'month' : 'day', ...(date ? { date } : {}) };
  if (a === 'reports' && b === 'zone' && c) return { name: 'report-zone', zone: c, ...(date ? { date } : {}) };
  if (a === 'incidents') return { name: 'incidents', ...(q.get('zone') ? { zone: q.get('zone')! } : {}) };
  if (a === 'incident' && b) return c === 'report' ? { name: 'incident-report', id: b } : { name: 'incident', id: b };
  if (a === 'users') return { name: 'users' };
  if (a === 'forwarding') return { name: 'forwarding' };
  if (a === 'audit') return { name: 'audit' };
  return { name: 'not-found' };
}

export const href = {
  overview: (view: 'table' | 'map' = 'table'): string => (view === 'map' ? '#/map' : '#/'),
  zone: (zone: string, view: 'table' | 'map' = 'table'): string => `#/zone/${encodeURIComponent(zone)}${view === 'map' ? '?view=map' : ''}`,
  station: (station: string, parameter?: string): string =>
    `#/station/${encodeURIComponent(station)}${parameter ? `?parameter=${encodeURIComponent(parameter)}` : ''}`,
  /** The open alerts take a view (filters and sort) in the query; the other tabs none. */
  alerts: (tab: 'open' | 'history' | 'silences' = 'open', view: AlertView = {}): string =>
    tab === 'open' ? `#/alerts${alertViewQuery(view)}` : `#/alerts/${tab}`,
  reportStation: (station: string, period: 'day' | 'month', date?: string): string =>
    `#/reports/station/${encodeURIComponent(station)}?period=${period}${date ? `&date=${date}` : ''}`,
  reportZone: (zone: string, date?: string): string => `#/reports/zone/${encodeURIComponent(zone)}${date ? `?date=${date}` : ''}`,
  incidents: (zone?: string): string => `#/incidents${zone ? `?zone=${encodeURIComponent(zone)}` : ''}`,
  incident: (id: string): string => `#/incident/${encodeURIComponent(id)}`,
  incidentReport: (id: string): string => `#/incident/${encodeURIComponent(id)}/report`,
  users: (): string => '#/users',
  forwarding: (): string => '#/forwarding',
  audit: (): string => '#/audit',
};

/** Follows `location.hash`, re-rendering its host on navigation. */
export class RouterController implements ReactiveController {
  route: Route = parseRoute(location.hash);
  readonly #host: ReactiveControllerHost;
  readonly #onHash = (): void => {
    this.route = parseRoute(location.hash);
    this.#host.requestUpdate();
  };
  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }
  hostConnected(): void {
    this.route = parseRoute(location.hash);
    window.addEventListener('hashchange', this.#onHash);
  }
  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.#onHash);
  }
}
