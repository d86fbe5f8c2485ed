import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorsTopic, influxTarget, loadCatalogue, type Catalogue, type Config, type Logger } from './core/index.js';
import { createBroker, type Broker } from './broker/index.js';
import { createDirectSink, createInfluxClient, createIngest, startLocalInfluxd, type InfluxClient, type Ingest, type LocalInfluxd } from './ingest/index.js';
import { createDashboard, type Dashboard } from './dashboard/index.js';
import { startSimulator, type Simulator } from './simulators/index.js';

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
  readonly simulator?: Simulator;
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
    await influx.ensureDatabase();

    const ingestLog = log.child({ component: 'ingest' });
    const sink = createDirectSink(influx, { batchLines: config.INGEST_BATCH_LINES, flushMs: config.INGEST_FLUSH_MS, log: ingestLog });
    const ingest = createIngest({
      catalogue,
      influx,
      sink,
      log: ingestLog,
      window: { maxAgeMs: config.READING_MAX_AGE_DAYS * 86_400_000, maxAheadMs: config.READING_MAX_AHEAD_S * 1000 },
    });
    cleanups.push(() => ingest.close());

    const dashboard = await createDashboard({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      catalogue,
      readings$: ingest.readings$,
      staticDir,
      log: log.child({ component: 'dashboard' }),
    });
    cleanups.push(() => dashboard.close());

    const broker = await createBroker({ host: config.MQTT_HOST, port: config.MQTT_PORT, admit: (m) => ingest.admit(m), log: log.child({ component: 'broker' }) });
    cleanups.push(() => broker.close());
    const noticeSub = ingest.rejections$.subscribe((r) => {
      broker.publish(errorsTopic(r.stationId), JSON.stringify(r.notice)).catch((err: Error) => log.warn({ err }, 'could not publish rejection notice'));
    });
    cleanups.push(async () => noticeSub.unsubscribe());

    let simulator: Simulator | undefined;
    if (demo) {
      simulator = startSimulator({ url: broker.address, catalogue, intervalMs: config.DEMO_INTERVAL_MS, log: log.child({ component: 'simulator' }) });
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
      simulator,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
