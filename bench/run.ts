/**
 * `npm run bench`: the centre against a real local InfluxDB, driven by simulated gateways in a
 * separate process at stepped rates. Reports per step: offered and stored readings/s, loss,
 * publish-to-PUBACK, publish-to-dashboard latency (station pages and the every-station
 * overview), publish-to-alert latency, RSS and CPU of the centre; InfluxDB's raw
 * ingest ceiling in the same run and the ratio. Writes bench/results/latest.{json,md}.
 *
 *   npm run bench [-- --steps 10000,50000,100000 --step-s 30 --stations 2000 --no-outage]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import mqtt from 'mqtt';
import { decodeBinaryDelta, type Alert, type CatalogueFile, type LiveFrame } from '../core/index.js';
import { createInfluxClient, startLocalInfluxd, type InfluxClient } from '../ingest/index.js';
import { benchCatalogue } from './bench-catalogue.js';
import type { LoadGenInit, StepCommand, StepReport } from './load-gen.js';
import { percentile } from './percentile.js';
import { cpuPercentBetween, watchProc, type ProcSample } from './proc-stats.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface StepResult {
  offeredReadingsPerS: number;
  sentReadings: number;
  ackedReadings: number;
  storedReadings: number;
  lossReadings: number;
  storedReadingsPerS: number;
  /** Acknowledged readings over the step, from its first publish to its last PUBACK: the admission rate. */
  ackedReadingsPerS: number;
  ackP50Ms: number;
  ackP99Ms: number;
  storedP50Ms: number;
  storedP99Ms: number;
  /** Publish-to-dashboard on station pages: clients focused on one station each (core/live.ts, views). */
  stationPageP50Ms: number;
  stationPageP99Ms: number;
  stationPageReadings: number;
  /** Publish-to-dashboard on the overview: the shared every-station stream, one frame every 250 ms. */
  overviewP50Ms: number;
  overviewP99Ms: number;
  alertP50Ms: number;
  alertP99Ms: number;
  alertsSeen: number;
  alertsExpected: number;
  peakRssMb: number;
  /** The centre's V8 heap in use and its external (Buffer) memory at the end of the step, from /metrics. */
  heapUsedMb: number;
  externalMb: number;
  cpuPercent: number;
  /** While the load was offered (the step's duration, not its drain): centre, load generator, InfluxDB, this process (% of one core). */
  loadCpuPercent: number;
  loadGenCpuPercent: number;
  influxCpuPercent: number;
  benchCpuPercent: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '10000,20000,50000,100000' },
      'step-s': { type: 'string', default: '60' },
      stations: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '100' },
      /** Dashboard clients on a station page each (a focus on one station), beside the one on the overview. */
      'station-pages': { type: 'string', default: '8' },
      'no-outage': { type: 'boolean', default: false },
      'outage-s': { type: 'string', default: '60' },
      'outage-rate': { type: 'string', default: '10000' },
      /** Profile the centre (node --cpu-prof); the .cpuprofile lands in bench/results/profiles/. */
      'cpu-prof': { type: 'boolean', default: false },
      /** Extra node flags for the centre, space-separated (e.g. "--max-semi-space-size=32"), through QUANTRAC_NODE_FLAGS (bin/quantrac); its heap is QUANTRAC_HEAP_MB and QUANTRAC_SEMI_SPACE_MB (--centre-env). */
      'centre-node-args': { type: 'string', default: '' },
      /** Extra environment for the centre, as NAME=value,NAME=value (e.g. QUANTRAC_HEAP_MB=384). */
      'centre-env': { type: 'string', default: '' },
    },
  });
  const steps = values.steps.split(',').map(Number);
  const stepS = Number(values['step-s']);
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-bench-'));
  const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
  const influxd = await startLocalInfluxd({ dir: join(dir, 'influxdb') });
  let centre: CentreProcess | undefined;
  let gen: ChildProcess | undefined;
  try {
    // 1. InfluxDB alone.
    const ceilingClient = createInfluxClient({ api: 'v1', url: influxd.url, db: 'ceiling' });
    await ceilingClient.ensureDatabase();
    log('measuring InfluxDB raw ingest ceiling');
    const ceiling = await ceilingClient.write('warmup value=1').then(() => measureCeiling(ceilingClient));
    log(`InfluxDB ceiling ${Math.round(ceiling.pointsPerSecond)} points/s`);

    // 2. The centre, as its own process, on the national-scale catalogue.
    const base = JSON.parse(await readFile(join(ROOT, 'seeds', 'catalogue.json'), 'utf8')) as CatalogueFile;
    const catalogue = benchCatalogue(base, Number(values.stations));
    const cataloguePath = join(dir, 'catalogue.json');
    await writeFile(cataloguePath, JSON.stringify(catalogue));
    const rulesPath = join(dir, 'rules.json');
    await writeFile(
      rulesPath,
      JSON.stringify(benchRules(JSON.parse(await readFile(join(ROOT, 'seeds', 'rules.json'), 'utf8')) as BenchRules)),
    );
    const connections = Number(values.connections);
    centre = await startCentreProcess({
      dir: join(dir, 'centre'),
      influxUrl: influxd.url,
      cataloguePath,
      catalogue,
      connections,
      db: 'bench',
      env: { ALERTS_RULES_FILE: rulesPath, ...centreEnv(values['centre-env']) },
      nodeArgs: [
        ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench', 'results', 'profiles')] : []),
        ...values['centre-node-args'].split(' ').filter(Boolean),
      ],
    });
    const influx = createInfluxClient({ api: 'v1', url: influxd.url, db: 'bench' });
    log(`centre pid ${centre.pid}: ${centre.mqttUrl}, ${centre.dashboardUrl}`);

    // 3. Dashboard clients measuring publish-to-dashboard latency (reading ts = publish time):
    // one on the overview (every station), and some on a station page each (a focus on it).
    const overviewLatencies: number[] = [];
    const stationPageLatencies: number[] = [];
    const pages = Number(values['station-pages']);
    const focusStations = Array.from(
      { length: pages },
      (_, i) => catalogue.stations[Math.floor(((i + 0.5) * catalogue.stations.length) / pages)]!.id,
    );
    const sockets = await Promise.all([
      liveClient(centre, undefined, overviewLatencies),
      ...focusStations.map((id) => liveClient(centre!, id, stationPageLatencies)),
    ]);

    // Publish-to-alert: an operator's MQTT subscriber on alerts/#; the exceeding reading's ts is its publish time.
    const alertLatencies: number[] = [];
    const sub = await mqtt.connectAsync(centre.mqttUrl, { ...centre.subscriber, clientId: 'bench-alerts', reconnectPeriod: 0 });
    await sub.subscribeAsync('alerts/#', { qos: 1 });
    sub.on('message', (_topic, payload) => {
      const now = Date.now();
      const event = JSON.parse(payload.toString()) as { type?: string; alert?: Alert };
      if (event.type === 'raised' && event.alert?.rule === 'threshold' && event.alert.parameter === 'SO2')
        alertLatencies.push(now - event.alert.since);
    });

    // 4. The load generator.
    gen = fork(join(ROOT, 'bench', 'load-gen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const genMessages = messageQueue(gen);
    const init: LoadGenInit = { url: centre.mqttUrl, catalogue, connections, credentials: centre.gatewayCredentials };
    gen.send(init);
    await genMessages.next('ready');

    const results: StepResult[] = [];
    const ALERTS_PER_STEP = 50;
    for (const [k, rate] of steps.entries()) {
      log(`step ${rate} readings/s for ${stepS} s`);
      overviewLatencies.length = 0;
      stationPageLatencies.length = 0;
      alertLatencies.length = 0;
      const stepStart = Date.now();
      const watch = watchProc(centre.pid);
      const others = [gen.pid!, influxd.pid!, process.pid].map((pid) => watchProc(pid));
      // Fresh stations each step, so each exceedance raises a new alert (one per station, parameter, rule).
      const exceedStations = catalogue.stations.slice(k * ALERTS_PER_STEP, (k + 1) * ALERTS_PER_STEP).map((s) => s.id);
      const cmd: StepCommand = { type: 'step', readingsPerSecond: rate, durationS: stepS, exceedStations };
      gen.send(cmd);
      const report = await genMessages.next<StepReport>('step-done');
      const drained = await waitStored(influx, report);
      const usage = await watch.stop();
      const [genUsage, influxUsage, benchUsage] = await Promise.all(others.map((w) => w.stop()));
      const loadEnd = stepStart + report.durationMs;
      const loadCpu = (u: { samples: ProcSample[] }): number => cpuPercentBetween(u.samples, stepStart, loadEnd);
      const mem = await centreMemory(centre.dashboardUrl);
      const overview = overviewLatencies.splice(0);
      const stationPages = stationPageLatencies.splice(0);
      const alertsLat = alertLatencies.splice(0);
      results.push({
        offeredReadingsPerS: rate,
        sentReadings: report.sentMessages * 8,
        ackedReadings: report.ackedReadings,
        storedReadings: drained.stored,
        lossReadings: report.ackedReadings - drained.stored,
        storedReadingsPerS: drained.stored / (drained.atMs / 1000),
        ackedReadingsPerS: report.ackedReadings / (report.durationMs / 1000),
        ackP50Ms: percentile(report.ackLatencyMs, 50),
        ackP99Ms: percentile(report.ackLatencyMs, 99),
        storedP50Ms: drained.lagP50Ms,
        storedP99Ms: drained.lagP99Ms,
        stationPageP50Ms: percentile(stationPages, 50),
        stationPageP99Ms: percentile(stationPages, 99),
        stationPageReadings: stationPages.length,
        overviewP50Ms: percentile(overview, 50),
        overviewP99Ms: percentile(overview, 99),
        alertP50Ms: percentile(alertsLat, 50),
        alertP99Ms: percentile(alertsLat, 99),
        alertsSeen: alertsLat.length,
        alertsExpected: exceedStations.length,
        peakRssMb: usage.peakRssMb,
        heapUsedMb: mem.heapUsedMb,
        externalMb: mem.externalMb,
        cpuPercent: usage.cpuPercent,
        loadCpuPercent: loadCpu(usage),
        loadGenCpuPercent: report.cpuPercent,
        influxCpuPercent: loadCpu(influxUsage!),
        benchCpuPercent: loadCpu(benchUsage!),
      });
      log(JSON.stringify(results[results.length - 1]));
    }

    // 5. Outage: InfluxDB stopped for a while under steady load, then started again.
    let outage: OutageResult | undefined;
    if (!values['no-outage']) {
      outage = await outageStep({
        rate: Number(values['outage-rate']),
        outageS: Number(values['outage-s']),
        gen,
        genMessages,
        influx,
        influxd,
        pid: centre.pid,
        log,
      });
      log(JSON.stringify(outage));
    }
    gen.send({ type: 'stop' });
    for (const ws of sockets) ws.terminate();
    await sub.endAsync();

    // 6. The alerts engine's own rate (issue 5), in a process of its own.
    const alertsEngine = await runJson(join(ROOT, 'bench', 'alerts-engine.ts'));

    const out = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      stations: catalogue.stations.length,
      stepS,
      influxCeiling: ceiling,
      steps: results,
      outage,
      alertsEngine,
    };
    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
    await writeFile(join(ROOT, 'bench', 'results', 'latest.md'), markdown(out));
    process.stdout.write(markdown(out));
  } finally {
    gen?.kill('SIGKILL');
    await centre?.stop();
    await influxd.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureCeiling(influx: InfluxClient): Promise<{ pointsPerSecond: number; points: number; seconds: number }> {
  const { measureInfluxCeiling } = await import('./influx-ceiling.js');
  return measureInfluxCeiling(influx);
}

/**
 * Polls InfluxDB until every acknowledged reading of the step is stored (or 180 s pass).
 * Publish-to-stored latency is estimated per one-second slice of the step: the time at which
 * that slice's count became complete, minus the slice's end.
 */
async function waitStored(
  influx: InfluxClient,
  report: StepReport,
): Promise<{ stored: number; atMs: number; lagP50Ms: number; lagP99Ms: number }> {
  const t0 = report.firstTs;
  const deadline = Date.now() + 180_000;
  let stored = 0;
  for (;;) {
    const series = await influx.query(`SELECT count("value") FROM "reading" WHERE time >= ${t0}ms AND time <= ${report.lastTs}ms`);
    stored = (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
    if (stored >= report.ackedReadings || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const atMs = Date.now() - t0;
  const lag = Math.max(0, Date.now() - report.lastTs);
  return { stored, atMs, lagP50Ms: lag, lagP99Ms: lag };
}

function messageQueue(child: ChildProcess): { next<T>(type: string): Promise<T> } {
  const inbox: Array<{ type: string }> = [];
  const waiters: Array<{ type: string; resolve: (m: unknown) => void }> = [];
  child.on('message', (m: { type: string }) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  child.on('exit', (code) => {
    for (const w of waiters) w.resolve({ type: 'exit', code });
  });
  return {
    next<T>(type: string): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      return new Promise((resolve) => waiters.push({ type, resolve: resolve as (m: unknown) => void }));
    },
  };
}

interface BenchRules {
  defaults: { threshold: { forS: number } };
  stations?: unknown;
}

/** The demo's rules without its per-station overrides (they name demo stations), and thresholds that fire at once. */
function benchRules(rules: BenchRules): BenchRules {
  const { stations: _demoStations, ...rest } = rules;
  return { ...rest, defaults: { ...rest.defaults, threshold: { ...rest.defaults.threshold, forS: 0 } } };
}

interface OutageResult {
  offeredReadingsPerS: number;
  outageS: number;
  ackedReadings: number;
  storedReadings: number;
  lossReadings: number;
  /** Readings waiting in the spool when InfluxDB came back. */
  backlogAtRestart: number;
  /** From InfluxDB's restart until the stored count caught up with the offered load. */
  drainS: number;
  /** (backlog + what arrived meanwhile) / drain time, and that over the offered rate. */
  drainReadingsPerS: number;
  drainRatio: number;
  peakRssMb: number;
  /** RSS when the step began (what the previous step left), its peak while InfluxDB was down, and while the backlog drained. */
  startRssMb: number;
  peakRssOutageMb: number;
  peakRssDrainMb: number;
}

async function outageStep(o: {
  rate: number;
  outageS: number;
  gen: ChildProcess;
  genMessages: { next<T>(type: string): Promise<T> };
  influx: InfluxClient;
  influxd: { stop(): Promise<void>; start(): Promise<void> };
  pid: number;
  log: (m: string) => void;
}): Promise<OutageResult> {
  const leadS = 5;
  const tailS = 90;
  o.log(`outage step: ${o.rate} readings/s, InfluxDB stopped for ${o.outageS} s`);
  const watch = watchProc(o.pid);
  const stepStart = Date.now();
  o.gen.send({ type: 'step', readingsPerSecond: o.rate, durationS: leadS + o.outageS + tailS } satisfies StepCommand);
  const done = o.genMessages.next<StepReport>('step-done');
  await delay(leadS * 1000);
  await o.influxd.stop();
  await delay(o.outageS * 1000);
  const since = stepStart;
  const countSince = async (): Promise<number> => {
    const series = await o.influx.query(`SELECT count("value") FROM "reading" WHERE time >= ${since}ms`).catch(() => []);
    return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
  };
  await o.influxd.start();
  const restartAt = Date.now();
  const storedAtRestart = await countSince();
  const backlogAtRestart = Math.max(0, Math.round(((restartAt - stepStart) / 1000) * o.rate) - storedAtRestart);
  let drainS = NaN;
  while (Date.now() - restartAt < tailS * 1000) {
    const stored = await countSince();
    const offeredSoFar = ((Date.now() - stepStart) / 1000) * o.rate;
    if (stored >= offeredSoFar - o.rate) {
      drainS = (Date.now() - restartAt) / 1000;
      break;
    }
    await delay(500);
  }
  const report = await done;
  const drained = await waitStored(o.influx, report);
  const usage = await watch.stop();
  const drainReadingsPerS = (backlogAtRestart + drainS * o.rate) / drainS;
  return {
    offeredReadingsPerS: o.rate,
    outageS: o.outageS,
    ackedReadings: report.ackedReadings,
    storedReadings: drained.stored,
    lossReadings: report.ackedReadings - drained.stored,
    backlogAtRestart,
    drainS,
    drainReadingsPerS,
    drainRatio: drainReadingsPerS / o.rate,
    peakRssMb: usage.peakRssMb,
    startRssMb: usage.samples[0]?.rssMb ?? NaN,
    peakRssOutageMb: Math.max(0, ...usage.samples.filter((x) => x.at < restartAt).map((x) => x.rssMb)),
    peakRssDrainMb: Math.max(0, ...usage.samples.filter((x) => x.at >= restartAt).map((x) => x.rssMb)),
  };
}

interface EngineBench {
  readingsPerS?: number;
  stateBytesPerSeries?: { heap: number; external: number };
}

/** Runs a benchmark script that prints one JSON object; returns that object. */
async function runJson(script: string): Promise<EngineBench | undefined> {
  const child = fork(script, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  await new Promise((r) => child.once('exit', r));
  try {
    return JSON.parse(text) as EngineBench;
  } catch {
    return undefined;
  }
}

/** The centre's heap and external memory, from its /metrics (prom-client's process metrics). */
async function centreMemory(url: string): Promise<{ heapUsedMb: number; externalMb: number }> {
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 ** 2;
  return { heapUsedMb: value('nodejs_heap_size_used_bytes'), externalMb: value('nodejs_external_memory_bytes') };
}

/** `NAME=value,NAME=value` as an environment. */
function centreEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--centre-env: expected NAME=value, got ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function markdown(out: {
  influxCeiling: { pointsPerSecond: number };
  stations: number;
  stepS: number;
  date: string;
  command: string;
  steps: StepResult[];
  outage?: OutageResult;
  alertsEngine?: EngineBench;
}): string {
  const f = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  const rows = out.steps.map(
    (s) =>
      `| ${f(s.offeredReadingsPerS)} | ${f(s.ackedReadingsPerS)} | ${f(s.storedReadingsPerS)} | ${f(s.lossReadings)} | ${f(s.ackP50Ms)} / ${f(s.ackP99Ms)} | ${f(s.storedP99Ms)} | ${f(s.stationPageP50Ms)} / ${f(s.stationPageP99Ms)} | ${f(s.overviewP50Ms)} / ${f(s.overviewP99Ms)} | ${f(s.alertP50Ms)} / ${f(s.alertP99Ms)} (${s.alertsSeen}/${s.alertsExpected}) | ${f(s.peakRssMb)} (${f(s.heapUsedMb)} / ${f(s.externalMb)}) | ${f(s.cpuPercent)} | ${f(s.loadCpuPercent)} / ${f(s.loadGenCpuPercent)} / ${f(s.influxCpuPercent)} / ${f(s.benchCpuPercent)} | ${(s.storedReadingsPerS / out.influxCeiling.pointsPerSecond).toFixed(2)} |`,
  );
  const o = out.outage;
  return [
    `Benchmark ${out.date} (\`${out.command}\`): ${out.stations} stations x 8 parameters, ${out.stepS} s a step, 2 cores shared by the centre, InfluxDB 1.6.7 and the load generator. InfluxDB's raw ingest ceiling in the same run: ${f(out.influxCeiling.pointsPerSecond)} points/s.`,
    '',
    '| offered readings/s | acknowledged readings/s (first publish to last PUBACK) | stored readings/s (first publish to last stored) | loss | PUBACK p50 / p99 ms | stored lag ms | dashboard p50 / p99 ms: station page | dashboard p50 / p99 ms: overview (every station, 4 frames/s) | alert p50 / p99 ms (seen/expected) | centre peak RSS MB (heap used / external at the end) | centre CPU % (step and drain) | CPU % while offered: centre / load gen / InfluxDB / bench | stored / InfluxDB ceiling |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(out.alertsEngine?.readingsPerS
      ? [
          `Alerts engine alone (\`bench/alerts-engine.ts\`, 2,000 stations x 8 parameters, every rule on): ${f(out.alertsEngine.readingsPerS)} readings/s${out.alertsEngine.stateBytesPerSeries ? `; the rules' state ${f(out.alertsEngine.stateBytesPerSeries.heap)} bytes of heap and ${f(out.alertsEngine.stateBytesPerSeries.external)} of buffers per series` : ''}.`,
          '',
        ]
      : []),
    ...(o
      ? [
          `Outage: InfluxDB stopped ${o.outageS} s at ${f(o.offeredReadingsPerS)} readings/s: ${f(o.ackedReadings)} acknowledged, ${f(o.storedReadings)} stored, loss ${f(o.lossReadings)}; backlog at restart ${f(o.backlogAtRestart)} readings, drained in ${o.drainS.toFixed(1)} s at ${f(o.drainReadingsPerS)} readings/s (${o.drainRatio.toFixed(1)}x the offered rate); centre peak RSS ${f(o.peakRssMb)} MB (${f(o.startRssMb)} MB at the start, peak ${f(o.peakRssOutageMb)} MB while InfluxDB was down, ${f(o.peakRssDrainMb)} MB while the backlog drained).`,
          '',
        ]
      : []),
  ].join('\n');
}

void main().then(
  () => {
    // Everything was closed in main's finally; should a handle still hold the process (a run once
    // hung here after its results were written), name it and end rather than wait forever.
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

/**
 * A logged-in live socket decoding the frames a browser gets (each row is a station's readings
 * at serverTime + row[1]); `focus`: the station page of that station, else the overview.
 */
async function liveClient(centre: CentreProcess, focus: string | undefined, latencies: number[]): Promise<WebSocket> {
  // Binary deltas, as the page takes them; a focus's frames (and presence ticks) are JSON.
  const ws = new WebSocket(`${centre.dashboardUrl.replace('http', 'ws')}/ws?format=binary`, { headers: centre.wsHeaders });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const now = Date.now();
    const frame = isBinary
      ? { type: 'delta' as const, ...(decodeBinaryDelta(data) ?? { serverTime: 0, rows: [] }) }
      : (JSON.parse(String(data)) as LiveFrame);
    if (frame.type !== 'delta') return;
    for (const row of frame.rows) {
      const latency = now - (frame.serverTime + (row[1] as number));
      for (let i = 2; i < row.length; i++) if (typeof row[i] === 'number') latencies.push(latency);
    }
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  if (focus !== undefined) ws.send(JSON.stringify({ type: 'focus', stations: [focus] }));
  return ws;
}
