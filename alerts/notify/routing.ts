import type { AlertEvent, AlertTextLang, Severity } from '../../core/index.js';
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
 * routes name it (Grafana's duplicate notifications are what this avoids), with the language of
 * the first route that names it.
 */
export function targetsOf(
  config: NotifyConfig,
  routes: string[],
): { emails: Map<string, AlertTextLang>; hooks: Map<string, AlertTextLang> } {
  const emails = new Map<string, AlertTextLang>();
  const hooks = new Map<string, AlertTextLang>();
  for (const name of routes) {
    const route = config.routes[name];
    if (!route) continue;
    for (const e of route.email) if (!emails.has(e.toLowerCase())) emails.set(e.toLowerCase(), route.lang);
    for (const w of route.webhooks) if (!hooks.has(w)) hooks.set(w, route.lang);
  }
  return { emails, hooks };
}
