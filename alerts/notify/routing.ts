import type { AlertEvent, Severity } from '../../core/index.js';
import type { NotifyConfig } from './notify-config.js';

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** The routes an event goes to by its zone and severity: their first route, or for an escalation their second. */
export function routesFor(config: NotifyConfig, event: AlertEvent, escalation: boolean): string[] {
  const a = event.alert;
  const out = new Set<string>();
  for (const r of config.routing) {
    if (r.zones !== undefined && !r.zones.includes(a.zone)) continue;
    if (RANK[a.severity] < RANK[r.minSeverity]) continue;
    const route = escalation ? r.escalateTo : r.route;
    if (route !== undefined) out.add(route);
  }
  return [...out];
}

/**
 * The e-mail addresses (lower-cased) and webhook names the routes name, each once however many
 * routes name it (Grafana's duplicate notifications are what this avoids).
 */
export function targetsOf(config: NotifyConfig, routes: string[]): { emails: Set<string>; hooks: Set<string> } {
  const emails = new Set<string>();
  const hooks = new Set<string>();
  for (const name of routes) {
    const route = config.routes[name];
    route?.email.forEach((e) => emails.add(e.toLowerCase()));
    route?.webhooks.forEach((w) => hooks.add(w));
  }
  return { emails, hooks };
}
