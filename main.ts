import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import { config as rxjsConfig, Subject, type Observable } from 'rxjs';
import {
  errorsTopic,
  influxTarget,
  loadCatalogue,
  type Catalogue,
  type Config,
  type Logger,
  type Presence,
  type Route,
  type AuditLog,
} from './core/index.js';
import { brokerSettings, createBroker, type Broker } from './broker/index.js';
import {
  createInfluxClient,
  createIngest,
  createMetricsRegistry,
  createOpsRoutes,
  ingestSettings,
  MAX_PAYLOAD_BYTES,
  startLocalInfluxd,
  type InfluxClient,
  type Ingest,
} from './ingest/index.js';
import { createDashboard, dashboardSettings, registerLiveMetrics, type Dashboard } from './dashboard/index.js';
import { createReports } from './reports/index.js';
import type { Simulator } from './simulators/index.js';
import type { LegacyAdapter } from './legacy/index.js';
import { startDemoGateways, startLegacy } from './main-inputs.js';
import { createAlerts, loadAlertSettings, startAlertsWorker, type AlertsService } from './alerts/index.js';
import type { Downstream, Relay } from './relay/index.js';
import { startAudit, startDownstream, startRelay } from './main-levels.js';
import { auditRoutes } from './audit/index.js';
import type { IncidentsService } from './incidents/index.js';
import { startIncidents } from './main-incidents.js';
import type { Wiring } from './main-wiring.js';
import {
  clusterBrokerParts,
  clusterPresence,
  clusterSessionStore,
  startClusterAlerts,
  startClusterBase,
  startReplicatedLog,
} from './main-cluster.js';

export { PACKAGE_ROOT as ROOT, WEB_DIST } from './core/index.js';
import { WEB_DIST } from './core/index.js';

export interface Centre {
  readonly catalogue: Catalogue;
  readonly mqttUrl: string;
  readonly dashboardUrl: string;
  readonly influxUrl: string;
  readonly influx: InfluxClient;
  readonly broker: Broker;
  readonly ingest: Ingest;
  readonly dashboard: Dashboard;
  /** The alerts part (alerts/), in its worker or on this thread (ALERTS_THREAD): AlertsApi, `events$` for the dashboard. */
  readonly alerts: AlertsService;
  /** Incidents (docs/INCIDENTS.md); not in cluster mode yet. */
  readonly incidents?: IncidentsService;
  /** The one prom-client registry: every part registers its metrics here; served at /metrics. */
  readonly metrics: Registry;
  readonly simulator?: Simulator;
  /** The legacy text-file adapter, when LEGACY_DROP_DIR is set. */
  readonly legacy?: LegacyAdapter;
  /** The upstream relay, when UPSTREAM_URL is set (docs/RELAY.md). */
  readonly relay?: Relay;
  /** Demo mode: the dashboard account created for this run (its password is new each start). */
  readonly demoLogin?: { username: string; password: string };
  /** Shuts down in order: stop accepting, flush what was admitted, close. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  demo?: boolean;
  staticDir?: string;
}

/** The composition root: creates each part and passes streams between them. */
export async function startCentre({ config, log, demo = false, staticDir = WEB_DIST }: StartOptions): Promise<Centre> {
  // An error no subscriber handles is rethrown by RxJS on a timer, which would end the process:
  // log it instead, so no stream error is silent or fatal (bad input never crashes).
  rxjsConfig.onUnhandledError = (err: unknown) => log.error({ err }, 'unhandled error in a stream');
  const catalogue = await loadCatalogue(resolve(config.CATALOGUE));
  log.info({ zones: catalogue.zones.length, stations: catalogue.stations.length }, 'catalogue loaded');

  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) {
      await fn().catch((err: Error) => log.error({ err }, 'error during shutdown'));
    }
  };
  const onClose = (fn: () => Promise<void>): void => void cleanups.push(fn);
  try {
    const w: Wiring = { config, log, catalogue, onClose, cluster: startClusterBase({ config, log, onClose }) };
    const { influx, influxUrl, ingest, metrics } = await startStorage(w);
    const audit = await startAudit(w, metrics);
    // The broker comes after the alerts and the dashboard, so presence and MQTT publishing
    // reach them through this subject and this late-bound publisher.
    const presence$ = new Subject<Presence>();
    const late: { broker?: Broker } = {};
    const publish = (topic: string, payload: string): Promise<void> =>
      late.broker?.publish(topic, payload, { qos: 1 }) ?? Promise.resolve();
    const relay = await startRelay(w, { ingest, metrics, presence$ });
    const downstream = startDownstream(w, { ingest, metrics, accountStations: (a) => late.broker?.accountStations(a) });
    const alerts = await startAlertsPart(w, { influx, ingest, metrics, presence$, publish });
    const incidents = await startIncidents(w, { alerts, ingest, influx, audit });
    const dashboard = await startDashboardPart(w, {
      influx,
      ingest,
      metrics,
      alerts,
      presence$,
      staticDir,
      routes: [...(relay?.routes ?? []), ...downstream.routes, ...auditRoutes(audit), ...incidents.routes],
      audit,
    });
    // Demo mode: an operator account with a fresh random password, printed once by the CLI
    // (stdout, never the log). In memory only: never written to users.json, so it ends with the
    // run and never replaces a real user called "demo" (then it is "demo-<random>").
    const demoLogin = demo
      ? await dashboard.users.addEphemeral('demo', 'operator').then(({ user, password }) => ({ username: user.name, password }))
      : undefined;
    const broker = await startBrokerPart(w, { ingest, metrics, presence$, downstream });
    late.broker = broker;
    const legacy = await startLegacy(w, ingest, metrics);
    const simulator = demo ? await startDemoGateways(w, broker) : undefined;
    const urls = { mqttUrl: broker.address, dashboardUrl: dashboard.url, influxUrl };
    const parts = { influx, broker, ingest, dashboard, alerts, incidents: incidents.service, metrics, simulator, legacy, relay };
    return { catalogue, ...urls, ...parts, demoLogin, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** InfluxDB (a private influxd under DATA_DIR unless INFLUX_URL is set), the metrics registry, and ingest. */
async function startStorage(w: Wiring): Promise<{ influx: InfluxClient; influxUrl: string; ingest: Ingest; metrics: Registry }> {
  const { config, log, catalogue, onClose } = w;
  let influxUrl = config.INFLUX_URL;
  if (influxUrl === undefined) {
    const localInfluxd = await startLocalInfluxd({
      dir: join(resolve(config.DATA_DIR), 'influxdb'),
      log: log.child({ component: 'influxd' }),
    });
    onClose(() => localInfluxd.close());
    influxUrl = localInfluxd.url;
  }
  const influx = createInfluxClient(influxTarget(config, influxUrl));
  // InfluxDB being down must not stop the centre: the spool holds readings until it is back,
  // and the delivery loop creates the database when a write finds it missing.
  await influx
    .ensureDatabase()
    .catch((err: Error) => log.warn({ err: err.message }, 'InfluxDB not reachable at start; readings are spooled until it is'));
  const metrics = createMetricsRegistry();
  const settings = ingestSettings(config);
  // Cluster mode: the replicated log in Redis takes the spool's place (docs/ARCHITECTURE.md, "Cluster mode").
  const replicated = w.cluster ? startReplicatedLog(w, metrics, settings.backlogAlertMs) : undefined;
  const ingest = await createIngest({
    ...(replicated ? { durableLog: replicated.writer, readingsFrom: replicated.readings$, storageFrom: replicated.storage$ } : {}),
    catalogue,
    influx,
    log: log.child({ component: 'ingest' }),
    window: { maxAgeMs: config.READING_MAX_AGE_DAYS * 86_400_000, maxAheadMs: config.READING_MAX_AHEAD_S * 1000 },
    dataDir: resolve(config.DATA_DIR),
    settings,
    registry: metrics,
  });
  onClose(() => ingest.close());
  if (replicated) {
    replicated.startDelivery(ingest.storeLines!);
    onClose(() => replicated.close());
    await replicated.started;
  }
  return { influx, influxUrl, ingest, metrics };
}

/**
 * Alerts (alerts/): rules on readings$, station presence and the storage condition; every event
 * stored through the spool; open alerts restored from InfluxDB before readings flow.
 */
async function startAlertsPart(
  w: Wiring,
  p: {
    influx: InfluxClient;
    ingest: Ingest;
    metrics: Registry;
    presence$: Observable<Presence>;
    publish: (topic: string, payload: string) => Promise<void>;
  },
): Promise<AlertsService> {
  const { config, log, catalogue, onClose } = w;
  const parts = {
    catalogue,
    readings$: p.ingest.readings$,
    presence$: p.presence$,
    storage$: p.ingest.storage$,
    append: (lines: string[]) => p.ingest.appendLines(lines),
    query: (q: string) => p.influx.query(q),
    publish: p.publish,
    log: log.child({ component: 'alerts' }),
  };
  // The settings are loaded here in both cases, so a bad rules or notify file stops the start
  // with its error; the worker loads them again from the same files.
  const settings = await loadAlertSettings(config, catalogue);
  if (w.cluster) return startClusterAlerts(w, { ...settings, ...parts });
  const alerts: AlertsService =
    config.ALERTS_THREAD === 'worker'
      ? await startAlertsWorker({ ...parts, config, registry: p.metrics })
      : await createAlerts({ ...settings, ...parts });
  onClose(() => alerts.close());
  return alerts;
}

/** The dashboard's server, with /metrics and /healthz and the reports' routes mounted on it. */
async function startDashboardPart(
  w: Wiring,
  p: {
    influx: InfluxClient;
    ingest: Ingest;
    metrics: Registry;
    alerts: AlertsService;
    presence$: Observable<Presence>;
    staticDir: string;
    routes: Route[];
    audit: AuditLog;
  },
): Promise<Dashboard> {
  const { config, log, catalogue, onClose } = w;
  const opsRoutes = createOpsRoutes({ registry: p.metrics, health: () => p.ingest.health() });
  const reports = createReports({
    audit: p.audit,
    trustProxy: config.DASHBOARD_TRUST_PROXY,
    query: (q) => p.influx.query(q),
    catalogue,
    log: log.child({ component: 'reports' }),
    cacheTtlMs: config.REPORT_CACHE_MS,
    openData: {
      burstRequests: config.OPEN_DATA_BURST_REQUESTS,
      requestsPerMin: config.OPEN_DATA_REQUESTS_PER_MIN,
      trustProxy: config.OPEN_DATA_TRUST_PROXY,
    },
  });
  onClose(() => reports.close());
  const dashboard = await createDashboard({
    ...clusterSessionStore(w),
    audit: p.audit,
    ...dashboardSettings(config),
    catalogue,
    readings$: p.ingest.readings$,
    staticDir: p.staticDir,
    log: log.child({ component: 'dashboard' }),
    routes: [...opsRoutes, ...reports.routes, ...p.routes],
    registry: p.metrics,
    // History from InfluxDB, alerts (REST and live), presence ("interrupted") and the storage backlog banner.
    query: (q) => p.influx.query(q),
    alerts: p.alerts,
    alertEvents$: p.alerts.events$,
    presence$: p.presence$,
    storage$: p.ingest.storage$,
  });
  onClose(() => dashboard.close());
  registerLiveMetrics(p.metrics, dashboard.hub);
  return dashboard;
}

/** The broker, admitting through ingest; its presence feeds the alerts and the dashboard, and rejections go back to the gateways. */
async function startBrokerPart(
  w: Wiring,
  p: { ingest: Ingest; metrics: Registry; presence$: Subject<Presence>; downstream: Downstream },
): Promise<Broker> {
  const { config, log, catalogue, onClose } = w;
  const cluster = clusterBrokerParts(w);
  const broker = await createBroker({
    cluster,
    ...brokerSettings(config, MAX_PAYLOAD_BYTES),
    admit: (m) => p.ingest.admit(m),
    acceptForwarded: (m) => p.downstream.accept(m),
    registry: p.metrics,
    catalogue,
    log: log.child({ component: 'broker' }),
  });
  onClose(() => broker.close());
  const presenceSub = (await clusterPresence(w, broker.presence$)).subscribe((presence) => p.presence$.next(presence));
  onClose(async () => presenceSub.unsubscribe());
  const noticeSub = p.ingest.rejections$.subscribe((r) => {
    broker
      .publish(errorsTopic(r.stationId), JSON.stringify(r.notice))
      .catch((err: Error) => log.warn({ err }, 'could not publish rejection notice'));
  });
  onClose(async () => noticeSub.unsubscribe());
  return broker;
}
