/**
 * The relay step (docs/PERFORMANCE.md, "How it is measured", step 6): two more centres, a
 * province forwarding to a national one over MQTT (docs/RELAY.md), each with its own database
 * on the bench's InfluxDB. The load generator publishes to the province; the latency probes
 * (dashboard clients, alerts subscriber) and the stored count are at the national centre, so a
 * figure is publish-at-the-province to seen-at-the-nation.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogueFile } from '../core/index.js';
import { createInfluxClient } from '../ingest/index.js';
import { subscribeAlerts } from './alert-latency.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';
import { messageQueue } from './child-messages.js';
import { openDashboardClients } from './live-latency-client.js';
import type { LoadGenInit } from './load-gen.js';
import { measureStep, type StepResult } from './step.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RelayStepOptions {
  dir: string;
  influxUrl: string;
  influxPid: number;
  catalogue: CatalogueFile;
  cataloguePath: string;
  rulesPath: string;
  rate: number;
  stepS: number;
  connections: number;
  stationPages: number;
  log: (msg: string) => void;
}

export interface RelayResult extends StepResult {
  /** The province's relay at the end of the step, from its /metrics: backlog left and readings forwarded. */
  relayBacklogPoints: number;
  relayForwardedReadings: number;
}

/** One step at `rate` through a province and its relay to a national centre; everything it started is stopped after. */
export async function relayStep(o: RelayStepOptions): Promise<RelayResult> {
  const stations = o.catalogue.stations.map((s) => s.id);
  const common = {
    influxUrl: o.influxUrl,
    cataloguePath: o.cataloguePath,
    catalogue: o.catalogue,
    env: { ALERTS_RULES_FILE: o.rulesPath },
  };
  const started: CentreProcess[] = [];
  let gen: ChildProcess | undefined;
  try {
    const nation = await startCentreProcess({
      ...common,
      dir: join(o.dir, 'nation'),
      db: 'bench_nation',
      connections: 1,
      accounts: [{ id: 'PROVINCE-RELAY', role: 'relay', stations }],
    });
    started.push(nation);
    const province = await startCentreProcess({
      ...common,
      dir: join(o.dir, 'province'),
      db: 'bench_province',
      connections: o.connections,
      env: {
        ...common.env,
        UPSTREAM_URL: nation.mqttUrl,
        UPSTREAM_USERNAME: 'PROVINCE-RELAY',
        UPSTREAM_PASSWORD: nation.accounts['PROVINCE-RELAY']!,
      },
    });
    started.push(province);
    o.log(`relay step: province pid ${province.pid} -> nation pid ${nation.pid}`);
    const dashboard = await openDashboardClients(nation, o.catalogue, o.stationPages);
    const alerts = await subscribeAlerts(nation);
    gen = fork(join(ROOT, 'bench', 'load-gen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const genMessages = messageQueue(gen);
    const init: LoadGenInit = {
      url: province.mqttUrl,
      catalogue: o.catalogue,
      connections: o.connections,
      credentials: province.gatewayCredentials,
    };
    gen.send(init);
    await genMessages.next('ready');
    const influx = createInfluxClient({ api: 'v1', url: o.influxUrl, db: 'bench_nation' });
    const step = await measureStep(
      {
        centre: province,
        gen,
        genMessages,
        influx,
        influxPid: o.influxPid,
        catalogue: o.catalogue,
        stepS: o.stepS,
        dashboard,
        alerts,
        log: o.log,
      },
      0,
      o.rate,
    );
    gen.send({ type: 'stop' });
    dashboard.close();
    await alerts.end();
    const metrics = await fetch(`${province.dashboardUrl}/metrics`).then((r) => r.text());
    const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
    return {
      ...step,
      relayBacklogPoints: metric('quantrac_relay_backlog_points'),
      relayForwardedReadings: metric('quantrac_relay_forwarded_readings_total'),
    };
  } finally {
    gen?.kill('SIGKILL');
    for (const c of started.reverse()) await c.stop();
  }
}
