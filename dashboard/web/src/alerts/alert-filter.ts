import type { Alert, AlertRule, AlertState, Severity, StationSummary } from '../../../../core/index.js';

/** How the open alerts are ordered: worst then oldest (default), newest, by station, by zone, longest open. */
export type AlertSort = 'severity' | 'time' | 'station' | 'zone' | 'duration';

/**
 * What the alerts panel shows of the open alerts, kept in the URL's hash query
 * (`#/alerts?zone=YENPHONG&severity=critical&sort=duration`) so a link opens the same view.
 * An absent field does not filter.
 */
export interface AlertView {
  zone?: string;
  province?: string;
  severity?: Severity;
  state?: Exclude<AlertState, 'resolved'>;
  rule?: AlertRule;
  sort?: AlertSort;
}

export const SEVERITIES: readonly Severity[] = ['critical', 'warning'];
/** The states an open alert can be in (a resolved alert is no longer open). */
export const OPEN_STATES: ReadonlyArray<NonNullable<AlertView['state']>> = ['firing', 'pending', 'acknowledged'];
// The page keeps zod out of its bundle, so the rules are listed here rather than taken from core's schema.
export const RULES: readonly AlertRule[] = ['threshold', 'average', 'trend', 'rate', 'stale', 'sensor_fault', 'backlog'];
export const SORTS: readonly AlertSort[] = ['severity', 'time', 'station', 'zone', 'duration'];

const FIELDS = ['zone', 'province', 'severity', 'state', 'rule', 'sort'] as const;

const oneOf = <T extends string>(value: string | null, options: readonly T[]): T | undefined =>
  options.includes(value as T) ? (value as T) : undefined;

/** The view of a hash query; unknown values are dropped (a stale link shows everything rather than nothing). */
export function parseAlertView(q: URLSearchParams): AlertView {
  const view: AlertView = {};
  const zone = q.get('zone');
  const province = q.get('province');
  if (zone) view.zone = zone;
  if (province) view.province = province;
  const severity = oneOf(q.get('severity'), SEVERITIES);
  const state = oneOf(q.get('state'), OPEN_STATES);
  const rule = oneOf(q.get('rule'), RULES);
  const sort = oneOf(q.get('sort'), SORTS);
  if (severity) view.severity = severity;
  if (state) view.state = state;
  if (rule) view.rule = rule;
  if (sort && sort !== 'severity') view.sort = sort;
  return view;
}

/** The hash query of a view, `?zone=…&severity=…`, or '' when it filters nothing. */
export function alertViewQuery(view: AlertView): string {
  const q = new URLSearchParams();
  for (const field of FIELDS) {
    const value = view[field];
    if (value && !(field === 'sort' && value === 'severity')) q.set(field, value);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Whether the view filters anything (the sort alone does not). */
export const isFiltered = (view: AlertView): boolean => FIELDS.some((f) => f !== 'sort' && view[f] !== undefined);

/** The alerts the view lets through; the province is the station's (the centre's own alerts have none). */
export function filterAlerts(alerts: Iterable<Alert>, view: AlertView, stations: ReadonlyMap<string, StationSummary>): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) {
    if (view.zone !== undefined && a.zone !== view.zone) continue;
    if (view.province !== undefined && stations.get(a.station)?.province !== view.province) continue;
    if (view.severity !== undefined && a.severity !== view.severity) continue;
    if (view.state !== undefined && a.state !== view.state) continue;
    if (view.rule !== undefined && a.rule !== view.rule) continue;
    out.push(a);
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1 };
const worstThenOldest = (a: Alert, b: Alert): number => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since - b.since;

/**
 * The alerts in the view's order; ties fall back to worst then oldest, so the order is stable
 * between renders. Durations run from `since`, so "longest open" is the oldest first and "time"
 * the newest first.
 */
export function sortAlertsBy(
  alerts: readonly Alert[],
  sort: AlertSort = 'severity',
  stations?: ReadonlyMap<string, StationSummary>,
): Alert[] {
  const zoneName = (a: Alert): string => stations?.get(a.station)?.zoneName ?? a.zone;
  const compare: Record<AlertSort, (a: Alert, b: Alert) => number> = {
    severity: worstThenOldest,
    time: (a, b) => b.since - a.since || worstThenOldest(a, b),
    duration: (a, b) => a.since - b.since || worstThenOldest(a, b),
    station: (a, b) => a.station.localeCompare(b.station) || worstThenOldest(a, b),
    zone: (a, b) => zoneName(a).localeCompare(zoneName(b)) || worstThenOldest(a, b),
  };
  return [...alerts].sort(compare[sort]);
}

/** The choices of the zone and province selects: those of the stations the user may see, by name. */
export function filterChoices(stations: Iterable<StationSummary>): { zones: Array<[string, string]>; provinces: string[] } {
  const zones = new Map<string, string>();
  const provinces = new Set<string>();
  for (const s of stations) {
    zones.set(s.zoneId, s.zoneName);
    provinces.add(s.province);
  }
  return {
    zones: [...zones].sort((x, y) => x[1].localeCompare(y[1], 'vi')),
    provinces: [...provinces].sort((x, y) => x.localeCompare(y, 'vi')),
  };
}
