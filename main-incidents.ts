/**
 * main.ts's wiring of incidents (docs/INCIDENTS.md): the correlation of every alert event, its
 * events stored through the spool, its notifications (one per opening, escalation, closing) on
 * the alerts' routes, and its REST routes on the dashboard.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packagePath, type AuditLog, type IncidentEvent, type Route } from './core/index.js';
import { createIncidentNotifier, loadAlertSettings, type AlertsService } from './alerts/index.js';
import { createIncidents, incidentRoutes, loadIncidentRules, type IncidentsService } from './incidents/index.js';
import type { InfluxClient, Ingest } from './ingest/index.js';
import { systemClock, systemScheduler } from './platform/index.js';
import type { Wiring } from './main-wiring.js';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** The rules file: INCIDENTS_RULES_FILE, else DATA_DIR/incidents.json when present, else the seed's. */
async function rulesFile(w: Wiring): Promise<string> {
  if (w.config.INCIDENTS_RULES_FILE !== undefined) return resolve(w.config.INCIDENTS_RULES_FILE);
  const own = join(resolve(w.config.DATA_DIR), 'incidents.json');
  return (await exists(own)) ? own : packagePath('seeds', 'incidents.json');
}

export async function startIncidents(
  w: Wiring,
  p: { alerts: AlertsService; ingest: Ingest; influx: InfluxClient; audit: AuditLog },
): Promise<{ service?: IncidentsService; routes: Route[] }> {
  const { config, log, catalogue, onClose } = w;
  if (w.cluster) {
    // Every node sees every alert event: correlating on each would tell people several times.
    log.info('incidents are not correlated in cluster mode yet (docs/INCIDENTS.md)');
    return { routes: [] };
  }
  const rules = await loadIncidentRules(await rulesFile(w));
  const settings = await loadAlertSettings(config, catalogue);
  const service = await createIncidents({
    catalogue,
    rules,
    alertEvents$: p.alerts.events$,
    append: (lines) => p.ingest.appendLines(lines),
    query: (q) => p.influx.query(q),
    log: log.child({ component: 'incidents' }),
    // Closing is checked as often as the alerts' wall-clock rules.
    tickMs: config.ALERTS_TICK_MS,
  });
  const zoneName = new Map(catalogue.zones.map((z) => [z.id, z.name]));
  const waterName = new Map((catalogue.waters ?? []).map((x) => [x.id, x.name]));
  const zonesOf = (e: IncidentEvent): string[] => [
    ...new Set([e.incident.zone, ...e.incident.members.map((m) => catalogue.zoneOf(m.station)?.id ?? e.incident.zone)]),
  ];
  const notifier = createIncidentNotifier({
    config: settings.notify,
    ...(settings.smtp ? { smtp: settings.smtp } : {}),
    ...(settings.webhookSecret !== undefined ? { webhookSecret: settings.webhookSecret } : {}),
    scheduler: systemScheduler,
    clock: systemClock,
    log: log.child({ component: 'incidents' }),
    deadLetterFile: join(settings.dataDir, 'incidents', 'dead-letters.jsonl'),
    zonesOf,
    names: (e) => ({
      ...(zoneName.has(e.incident.zone) ? { zone: zoneName.get(e.incident.zone)! } : {}),
      ...(e.incident.water !== undefined && waterName.has(e.incident.water) ? { water: waterName.get(e.incident.water)! } : {}),
    }),
  });
  const sub = service.events$.subscribe((e) => notifier.notify(e));
  onClose(async () => {
    sub.unsubscribe();
    await service.close$();
    await notifier.close();
  });
  return { service, routes: incidentRoutes(service, p.audit) };
}
