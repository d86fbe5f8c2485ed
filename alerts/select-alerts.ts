import type { Alert, AlertFilter, Severity } from '../core/index.js';

const SEVERITY_RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** The alerts a filter selects, as copies, most urgent first: critical before warning, then the oldest. */
export function selectAlerts(alerts: Iterable<Alert>, filter: AlertFilter = {}): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) {
    if (filter.station !== undefined && a.station !== filter.station) continue;
    if (filter.zone !== undefined && a.zone !== filter.zone) continue;
    if (filter.severity !== undefined && a.severity !== filter.severity) continue;
    if (filter.rule !== undefined && a.rule !== filter.rule) continue;
    if (filter.from !== undefined && a.updatedAt < filter.from) continue;
    if (filter.to !== undefined && a.since > filter.to) continue;
    out.push({ ...a });
  }
  out.sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || x.since - y.since);
  return filter.limit !== undefined && filter.limit >= 0 ? out.slice(0, filter.limit) : out;
}
