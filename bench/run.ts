/**
 * `npm run bench`: the centre against a real local InfluxDB, driven by simulated gateways in a
 * separate process at stepped rates. Reports per step: offered and stored readings/s, loss,
 * publish-to-PUBACK, publish-to-dashboard latency (station pages and the every-station
 * overview), publish-to-alert latency, RSS and CPU of the centre; InfluxDB's raw
 * ingest ceiling in the same run and the ratio. Writes bench/results/latest.{json,md}.
 * How each step measures: docs/PERFORMANCE.md, "How it is measured".
 *
 *   npm run bench [-- --steps 10000,50000,100000 --step-s 30 --stations 2000 --no-outage]
 *
 * This file runs the steps in order; each has a part of its own: bench-args.ts (the options),
 * bench-centre.ts, live-latency-client.ts and alert-latency.ts (the probes), step.ts,
 * outage-step.ts, relay-step.ts, cluster-step.ts, child-messages.ts (the load generator's messages, the alerts engine's run)
 * and results-markdown.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInfluxClient, startLocalInfluxd } from '../ingest/index.js';
import { subscribeAlerts } from './alert-latency.js';
import { centreEnv, parseBenchArgs, type BenchArgs } from './bench-args.js';
import { startBenchCentre } from './bench-centre.js';
import { clusterStep } from './cluster-step.js';
import type { CentreProcess } from './centre-process.js';
import { messageQueue, runJson } from './child-messages.js';
import { openDashboardClients } from './live-latency-client.js';
import type { LoadGenInit } from './load-gen.js';
import { outageStep } from './outage-step.js';
import { relayStep } from './relay-step.js';
import { markdown, type BenchResults } from './results-markdown.js';
import { measureStep, type StepContext, type StepResult } from './step.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-bench-'));
  const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
  const influxd = await startLocalInfluxd({ dir: join(dir, 'influxdb') });
  let centre: CentreProcess | undefined;
  let gen: ChildProcess | undefined;
  try {
    // 1. InfluxDB alone.
    const ceiling = await measureCeiling(influxd.url, log);

    // 2. The centre, as its own process, on the national-scale catalogue.
    const started = await startBenchCentre(dir, influxd.url, args);
    centre = started.centre;
    const { catalogue } = started;
    const influx = createInfluxClient({ api: 'v1', url: influxd.url, db: 'bench' });
    log(`centre pid ${centre.pid}: ${centre.mqttUrl}, ${centre.dashboardUrl}`);

    // 3. Dashboard clients measuring publish-to-dashboard latency, and the alerts subscriber publish-to-alert.
    const dashboard = await openDashboardClients(centre, catalogue, args.stationPages);
    const alerts = await subscribeAlerts(centre);

    // 4. The load generator, then the steps.
    gen = fork(join(ROOT, 'bench', 'load-gen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const genMessages = messageQueue(gen);
    const init: LoadGenInit = { url: centre.mqttUrl, catalogue, connections: args.connections, credentials: centre.gatewayCredentials };
    gen.send(init);
    await genMessages.next('ready');
    const ctx: StepContext = {
      centre,
      gen,
      genMessages,
      influx,
      influxPid: influxd.pid!,
      catalogue,
      stepS: args.stepS,
      dashboard,
      alerts,
      log,
    };
    const results: StepResult[] = [];
    for (const [k, rate] of args.steps.entries()) {
      results.push(await measureStep(ctx, k, rate));
      log(JSON.stringify(results[results.length - 1]));
    }

    // 5. Outage: InfluxDB stopped for a while under steady load, then started again.
    const outage = args.outage ? await outageStep({ ...args.outage, gen, genMessages, influx, influxd, pid: centre.pid, log }) : undefined;
    if (outage) log(JSON.stringify(outage));
    gen.send({ type: 'stop' });
    dashboard.close();
    await alerts.end();

    // 6 and 7. Through a relay, then cluster mode (their own centres).
    const { relay, cluster } = await centresOfTheirOwn({ started, dir, influxd, args, single: results, log });

    // 8. The alerts engine's own rate (its target: docs/PERFORMANCE.md, "Targets"), in a process of its own.
    const alertsEngine = await runJson(join(ROOT, 'bench', 'alerts-engine.ts'));

    await writeResults({
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      stations: catalogue.stations.length,
      stepS: args.stepS,
      influxCeiling: ceiling,
      steps: results,
      outage,
      relay,
      cluster,
      alertsEngine,
    });
  } finally {
    gen?.kill('SIGKILL');
    await centre?.stop();
    await influxd.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * 6. Through a relay: a province forwarding to a national centre, measured at the nation.
 * 7. Cluster mode: Redis and two nodes on this machine, measured against the single-process
 * steps. The single-process centre is stopped first, so that it does not share the cores.
 */
async function centresOfTheirOwn(o: {
  started: Awaited<ReturnType<typeof startBenchCentre>>;
  dir: string;
  influxd: { url: string; pid?: number };
  args: BenchArgs;
  single: StepResult[];
  log: (msg: string) => void;
}): Promise<Pick<BenchResults, 'relay' | 'cluster'>> {
  const { args, influxd, log } = o;
  const common = {
    ...o.started,
    influxUrl: influxd.url,
    influxPid: influxd.pid!,
    stepS: args.stepS,
    connections: args.connections,
    stationPages: args.stationPages,
    log,
  };
  const relay = args.relayRate === undefined ? undefined : await relayStep({ ...common, dir: join(o.dir, 'relay'), rate: args.relayRate });
  if (relay) log(JSON.stringify(relay));
  const rates = args.clusterRates;
  if (rates === undefined) return { relay };
  await o.started.centre.stop();
  const cluster = await clusterStep({
    ...common,
    dir: join(o.dir, 'cluster'),
    rates,
    env: centreEnv(args.centreEnv),
    single: o.single,
    log,
  });
  return { relay, cluster };
}

/** InfluxDB's raw ingest ceiling, in its own database `ceiling`, after one warm-up write. */
async function measureCeiling(url: string, log: (msg: string) => void): Promise<BenchResults['influxCeiling']> {
  const ceilingClient = createInfluxClient({ api: 'v1', url, db: 'ceiling' });
  await ceilingClient.ensureDatabase();
  log('measuring InfluxDB raw ingest ceiling');
  const ceiling = await ceilingClient.write('warmup value=1').then(async () => {
    const { measureInfluxCeiling } = await import('./influx-ceiling.js');
    return measureInfluxCeiling(ceilingClient);
  });
  log(`InfluxDB ceiling ${Math.round(ceiling.pointsPerSecond)} points/s`);
  return ceiling;
}

/** bench/results/latest.json and latest.md; the markdown also to stdout. */
async function writeResults(out: BenchResults): Promise<void> {
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  await writeFile(join(ROOT, 'bench', 'results', 'latest.md'), markdown(out));
  process.stdout.write(markdown(out));
}

void main().then(
  () => {
    // Everything was closed in main's finally; should a handle still hold the process (a run once
    // hung here after its results were written), name it and end rather than wait forever.
    // A plain timer, unref'd, so that it never holds the process open itself.
    setTimeout(() => {
      process.stderr.write(`[bench] still open after the run: ${process.getActiveResourcesInfo().join(', ')}; exiting\n`);
      process.exit(0);
    }, 10_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
