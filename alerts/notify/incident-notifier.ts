import { NOTIFIED_INCIDENT_EVENTS, type IncidentEvent, type Severity } from '../../core/index.js';
import type { Delivery } from './delivery.js';
import { renderIncident, type IncidentNames } from './incident-messages.js';
import type { NotifierOptions } from './notifier.js';
import type { NotifyConfig } from './notify-config.js';
import { createNotifyOutlet } from './target-sender.js';

export interface IncidentNotifierOptions extends NotifierOptions {
  /** The zones of an incident's member stations (the catalogue's), for routing. */
  zonesOf(event: IncidentEvent): readonly string[];
  names: IncidentNames;
}

export interface IncidentNotifier {
  /** Tells the routes of its zones and severity about an incident opening, escalating or closing. */
  notify(event: IncidentEvent): void;
  readonly delivery: Delivery;
  close(): Promise<void>;
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** The routes of an incident: every routing rule matching one of its zones and its severity. */
export function incidentRoutes(config: NotifyConfig, zones: readonly string[], severity: Severity): string[] {
  const out = new Set<string>();
  for (const r of config.routing) {
    if (r.zones !== undefined && !zones.some((z) => r.zones!.includes(z))) continue;
    if (RANK[severity] < RANK[r.minSeverity]) continue;
    out.add(r.route);
  }
  return [...out];
}

/**
 * Notifications at incident level (docs/INCIDENTS.md): one message when an incident opens, one
 * when it escalates, one when it closes, through the same routing, languages and delivery
 * (retries, dead letters) as alerts'. The member alerts of the rules in `incidentRules` send
 * nothing of their own (notifier.ts).
 */
export function createIncidentNotifier(options: IncidentNotifierOptions): IncidentNotifier {
  const { config } = options;
  const { delivery, send, close } = createNotifyOutlet(options);
  const told = new Set<string>(NOTIFIED_INCIDENT_EVENTS);
  return {
    delivery,
    notify(event) {
      // No rule told as incidents: the alerts notify on their own, and incidents tell nobody twice.
      if (config.incidentRules.length === 0 || !told.has(event.type)) return;
      const routes = incidentRoutes(config, options.zonesOf(event), event.incident.severity);
      if (routes.length > 0) send(routes, (lang) => renderIncident(config.email.subjectPrefix, event, lang, options.names));
    },
    close,
  };
}
