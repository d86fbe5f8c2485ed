import type { Alert, Incident, IncidentProjection, Severity } from '../core/index.js';
import type { IncidentRules } from './incident-rules.js';
import type { Places } from './places.js';

/**
 * An incident's severity: critical when a member still open is critical or when it spread to
 * `criticalAtStations` stations; never lowered while open (its people were told "critical").
 */
export function severityOf(incident: Incident, stations: number, rules: IncidentRules): Severity {
  if (incident.severity === 'critical') return 'critical';
  if (stations >= rules.criticalAtStations) return 'critical';
  return incident.members.some((m) => m.resolvedAt === undefined && m.severity === 'critical') ? 'critical' : 'warning';
}

/** The earliest limit crossing the members' trend alerts still forecast after `now`. */
export function projectionOf(incident: Incident, alerts: ReadonlyMap<string, Alert>, now: number): IncidentProjection | undefined {
  let best: IncidentProjection | undefined;
  for (const m of incident.members) {
    const a = alerts.get(m.alertId);
    if (m.resolvedAt !== undefined || a?.forecastAt === undefined || a.forecastAt < now) continue;
    if (best !== undefined && best.at <= a.forecastAt) continue;
    best = {
      station: a.station,
      parameter: a.parameter,
      at: a.forecastAt,
      ...(a.limit !== undefined ? { limit: a.limit } : {}),
      ...(a.unit !== undefined ? { unit: a.unit } : {}),
    };
  }
  return best;
}

/** The reach along the incident's water its members cover, upstream first. */
export function withReach(incident: Incident, places: Places): Pick<Incident, 'reach'> | Record<string, never> {
  if (incident.water === undefined) return {};
  const orders = incident.members
    .map((m) => places.of(m.station)?.water)
    .filter((w) => w?.body === incident.water)
    .map((w) => w!.order);
  return orders.length === 0 ? {} : { reach: [Math.min(...orders), Math.max(...orders)] };
}
