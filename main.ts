import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from 'prom-client';
import { config as rxjsConfig, Subject } from 'rxjs';
import { errorsTopic, influxTarget, loadCatalogue, type Catalogue, type Config, type Logger, type Presence } from './core/index.js';
import { createBroker, credentialsFileIn, type Broker } from './broker/index.js';
import { createInfluxClient, createIngest, createMetricsRegistry, createOpsRoutes, ingestSettings, MAX_PAYLOAD_BYTES, startLocalInfluxd, type InfluxClient, type Ingest, type LocalInfluxd } from './ingest/index.js';
import { createDashboard, registerLiveMetrics, type Dashboard } from './dashboard/index.js';
import { createReports } from './reports/index.js';
import { loadScenarioFile, scenarioFileOptions, startSimulator, type Simulator } from './simulators/index.js';
import { createLegacyAdapter, type LegacyAdapter } from './legacy/index.js';
import { createAlerts, loadAlertSettings, startAlertsWorker, type AlertsService } from './alerts/index.js';

export const ROOT = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIST = join(ROOT, 'dashboard', 'web', 'dist');

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
  /** The one prom-client registry: every part registers its metrics here; served at /metrics. */
  readonly metrics: Registry;
  readonly simulator?: Simulator;
  /** The legacy text-file adapter, when LEGACY_DROP_DIR is set. */
  readonly legacy?: LegacyAdapter;
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
  // log it instead, so no stream error is silent or fatal (STYLE.md: bad input never crashes).
  rxjsConfig.onUnhandledError = (err: unknown) => log.error({ err }, 'unhandled error in a stream');
  const catalogue = await loadCatalogue(resolve(config.CATALOGUE));
  log.info({ zones: catalogue.zones.length, stations: catalogue.stations.length }, 'catalogue loaded');

  let localInfluxd: LocalInfluxd | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) {
      await fn().catch((err: Error) => log.error({ err }, 'error during shutdown'));
    }
  };
  try {
    let influxUrl = config.INFLUX_URL;
    if (influxUrl === undefined) {
      localInfluxd = await startLocalInfluxd({ dir: join(resolve(config.DATA_DIR), 'influxdb'), log: log.child({ component: 'influxd' }) });
      cleanups.push(() => localInfluxd!.close());
      influxUrl = localInfluxd.url;
    }
    const influx = createInfluxClient(influxTarget(config, influxUrl));
    // InfluxDB being down must not stop the centre: the spool holds readings until it is back,
    // and the delivery loop creates the database when a write finds it missing.
    await influx.ensureDatabase().catch((err: Error) => log.warn({ err: err.message }, 'InfluxDB not reachable at start; readings are spooled until it is'));

    const metrics = createMetricsRegistry();
    const ingest = await createIngest({
      catalogue,
      influx,
      log: log.child({ component: 'ingest' }),
      window: { maxAgeMs: config.READING_MAX_AGE_DAYS * 86_400_000, maxAheadMs: config.READING_MAX_AHEAD_S * 1000 },
      dataDir: resolve(config.DATA_DIR),
      settings: ingestSettings(config),
      registry: metrics,
    });
    cleanups.push(() => ingest.close());
    // Alerts (alerts/): rules on readings$, station presence and the storage condition; every
    // event stored through the spool; open alerts restored from InfluxDB before readings flow.
    // The broker comes later, so presence and MQTT publishing reach alerts through these two.
    const presence$ = new Subject<Presence>();
    let alertsBroker: Broker | undefined;
    const alertsParts = {
      catalogue,
      readings$: ingest.readings$,
      presence$: presence$.asObservable(),
      storage$: ingest.storage$,
      append: (lines: string[]) => ingest.appendLines(lines),
      query: (q: string) => influx.query(q),
      publish: (topic: string, payload: string) => alertsBroker?.publish(topic, payload, { qos: 1 }) ?? Promise.resolve(),
      log: log.child({ component: 'alerts' }),
    };
    // The settings are loaded here in both cases, so a bad rules or notify file stops the start
    // with its error; the worker loads them again from the same files.
    const alertSettings = await loadAlertSettings(config, catalogue);
    const alerts: AlertsService = config.ALERTS_THREAD === 'worker'
      ? await startAlertsWorker({ ...alertsParts, config, registry: metrics })
      : await createAlerts({ ...alertSettings, ...alertsParts });
    cleanups.push(() => alerts.close());

    // /metrics and /healthz, public, on the dashboard's server.
    const opsRoutes = createOpsRoutes({ registry: metrics, health: () => ingest.health() });

    // Compliance reports and open data (reports/): route modules the dashboard mounts.
    const reports = createReports({
      query: (q) => influx.query(q),
      catalogue,
      log: log.child({ component: 'reports' }),
      cacheTtlMs: config.REPORT_CACHE_MS,
      openData: { burstRequests: config.OPEN_DATA_BURST_REQUESTS, requestsPerMin: config.OPEN_DATA_REQUESTS_PER_MIN, trustProxy: config.OPEN_DATA_TRUST_PROXY },
    });
    cleanups.push(() => reports.close());

    const dashboard = await createDashboard({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      catalogue,
      readings$: ingest.readings$,
      staticDir,
      log: log.child({ component: 'dashboard' }),
      routes: [...opsRoutes, ...reports.routes],
      // Dashboard (dashboard/, issue 6): users in DATA_DIR/users.json, history from InfluxDB,
      // alerts (REST and live), presence ("interrupted") and the storage backlog banner.
      dataDir: resolve(config.DATA_DIR),
      query: (q) => influx.query(q),
      alerts,
      alertEvents$: alerts.events$,
      presence$: presence$.asObservable(),
      storage$: ingest.storage$,
      allowedOrigins: config.DASHBOARD_ORIGINS,
      trustProxy: config.DASHBOARD_TRUST_PROXY,
      sessionIdleMs: config.DASHBOARD_SESSION_IDLE_MIN * 60_000,
      sessionMaxAgeMs: config.DASHBOARD_SESSION_MAX_H * 3_600_000,
      login: { maxFailures: config.DASHBOARD_LOGIN_MAX_FAILURES, lockMs: config.DASHBOARD_LOGIN_LOCK_S * 1000 },
      passwordCost: config.DASHBOARD_SCRYPT_COST,
      live: { frameMs: config.DASHBOARD_FRAME_MS },
    });
    cleanups.push(() => dashboard.close());
    registerLiveMetrics(metrics, dashboard.hub);
    // Demo mode: an operator account with a fresh random password, printed once by the CLI
    // (stdout, never the log). In memory only: never written to users.json, so it ends with the
    // run and never replaces a real user called "demo" (then it is "demo-<random>").
    const demoLogin = demo ? await dashboard.users.addEphemeral('demo', 'operator').then(({ user, password }) => ({ username: user.name, password })) : undefined;

    const broker = await createBroker({
      host: config.MQTT_HOST,
      port: config.MQTT_PORT,
      tls: config.MQTT_TLS_PORT === undefined ? undefined : { port: config.MQTT_TLS_PORT, certFile: config.MQTT_TLS_CERT!, keyFile: config.MQTT_TLS_KEY! },
      wsPort: config.MQTT_WS_PORT,
      admit: (m) => ingest.admit(m),
      registry: metrics,
      catalogue,
      credentialsFile: credentialsFileIn(config.DATA_DIR),
      auth: { maxFailuresPerMinute: config.MQTT_AUTH_MAX_FAILURES_PER_MIN, blockMs: config.MQTT_AUTH_BLOCK_S * 1000, scryptCost: config.MQTT_AUTH_SCRYPT_COST },
      limits: {
        maxPayloadBytes: MAX_PAYLOAD_BYTES,
        maxClientIdLength: config.MQTT_MAX_CLIENT_ID_LENGTH,
        maxKeepaliveS: config.MQTT_MAX_KEEPALIVE_S,
        maxInflight: config.MQTT_MAX_INFLIGHT,
        maxOutboundBytes: config.MQTT_MAX_OUTBOUND_BYTES,
        drainTimeoutMs: config.MQTT_DRAIN_TIMEOUT_MS,
        maxQueued: config.MQTT_MAX_QUEUED,
      },
      log: log.child({ component: 'broker' }),
    });
    cleanups.push(() => broker.close());
    alertsBroker = broker;
    const presenceSub = broker.presence$.subscribe((p) => presence$.next(p));
    cleanups.push(async () => presenceSub.unsubscribe());
    const noticeSub = ingest.rejections$.subscribe((r) => {
      broker.publish(errorsTopic(r.stationId), JSON.stringify(r.notice)).catch((err: Error) => log.warn({ err }, 'could not publish rejection notice'));
    });
    cleanups.push(async () => noticeSub.unsubscribe());

    // Legacy text files go through the same admit() as MQTT: validation, durability, idempotence.
    let legacy: LegacyAdapter | undefined;
    if (config.LEGACY_DROP_DIR !== undefined) {
      const legacyDir = join(resolve(config.DATA_DIR), 'legacy');
      legacy = await createLegacyAdapter({
        dropDir: resolve(config.LEGACY_DROP_DIR),
        archiveDir: resolve(config.LEGACY_ARCHIVE_DIR ?? join(legacyDir, 'archive')),
        rejectedDir: resolve(config.LEGACY_REJECTED_DIR ?? join(legacyDir, 'rejected')),
        catalogue,
        admit: (m) => ingest.admit(m),
        rejections$: ingest.rejections$,
        pollMs: config.LEGACY_POLL_MS,
        requireStationFolder: config.LEGACY_REQUIRE_STATION_FOLDER,
        log: log.child({ component: 'legacy' }),
      });
      cleanups.push(() => legacy!.close());
    }

    let simulator: Simulator | undefined;
    if (demo) {
      // Demo mode provisions the simulated gateways' credentials in memory (never on disk).
      // The demo plays a scenario file (seeds/scenarios/demo.json) on top of normal data for every station.
      const script = config.DEMO_SCENARIO_FILE === '' ? undefined : await loadScenarioFile(resolve(config.DEMO_SCENARIO_FILE), catalogue)
        .catch((err: Error) => { log.warn({ err: err.message }, 'demo scenario file not played; normal data only'); return undefined; });
      simulator = startSimulator({
        ...scenarioFileOptions(script),
        stations: undefined,
        rate: undefined,
        durationS: undefined,
        url: broker.address,
        catalogue,
        intervalMs: config.DEMO_INTERVAL_MS,
        record: false,
        credentials: (s) => broker.provision({ id: s.id }),
        log: log.child({ component: 'simulator' }),
      });
      simulator.done.catch((err: Error) => log.warn({ err }, 'simulator stopped'));
      cleanups.push(() => simulator!.close());
    }

    return {
      catalogue,
      mqttUrl: broker.address,
      dashboardUrl: dashboard.url,
      influxUrl,
      influx,
      broker,
      ingest,
      dashboard,
      alerts,
      metrics,
      simulator,
      legacy,
      demoLogin,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
