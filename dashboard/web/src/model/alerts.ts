import type { Alert } from '../../../../core/index.js';
import { ApiError } from '../api.js';
import { t } from '../i18n/index.js';

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/** Worst first, then the oldest: what has waited longest at the top. */
export function sortAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since - b.since);
}

/** Open alerts by station, for the rows, markers and station pages. */
export function alertsByStation(alerts: Iterable<Alert>): Map<string, Alert[]> {
  const byStation = new Map<string, Alert[]>();
  for (const a of alerts) {
    let list = byStation.get(a.station);
    if (!list) byStation.set(a.station, (list = []));
    list.push(a);
  }
  return byStation;
}

/** Open alerts counted by severity, for the header. */
export function countBySeverity(alerts: Iterable<Alert>): { critical: number; warning: number } {
  let critical = 0;
  let warning = 0;
  for (const a of alerts) {
    if (a.severity === 'critical') critical += 1;
    else warning += 1;
  }
  return { critical, warning };
}

/**
 * The header's counts: what still needs someone (firing, not acknowledged) by severity, what
 * someone has taken (acknowledged), and apart, what is pending (not yet held long enough to fire).
 */
export interface AlertCounts {
  critical: number;
  warning: number;
  acknowledged: number;
  pending: number;
}

export function countAlerts(alerts: Iterable<Alert>): AlertCounts {
  const counts: AlertCounts = { critical: 0, warning: 0, acknowledged: 0, pending: 0 };
  for (const a of alerts) {
    if (a.state === 'firing') counts[a.severity] += 1;
    else if (a.state === 'acknowledged') counts.acknowledged += 1;
    else if (a.state === 'pending') counts.pending += 1;
  }
  return counts;
}

/** The body of `POST /api/silences`: a station, or one parameter of it, for some minutes. */
export function silenceRequest(station: string, parameter: string, minutes: number, reason: string): Record<string, unknown> {
  return { station, ...(parameter ? { parameter } : {}), durationMin: minutes || 60, ...(reason ? { reason } : {}) };
}

/** What to tell the user when an alert call failed: a refusal for their role is said as such. */
export function actionError(err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return t('forbidden');
  return t('actionFailed', { error: (err as Error).message });
}
