/**
 * `npm run bench`: the centre against a real local InfluxDB, driven by simulated gateways in a
 * separate process at stepped rates. Reports per step: offered and stored readings/s, loss,
 * publish-to-PUBACK, publish-to-dashboard latency, RSS and CPU of the centre; InfluxDB's raw
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
import { freePort, type CatalogueFile, type LiveFrame } from '../core/index.js';
import { createInfluxClient, startLocalInfluxd, type InfluxClient } from '../ingest/index.js';
import { benchCatalogue } from './bench-catalogue.js';
import type { LoadGenInit, StepCommand, StepReport } from './load-gen.js';
import { percentile } from './percentile.js';
import { watchProc } from './proc-stats.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface StepResult {
  offeredReadingsPerS: number;
  sentReadings: number;
  ackedReadings: number;
  storedReadings: number;
  lossReadings: number;
  storedReadingsPerS: number;
  ackP50Ms: number;
  ackP99Ms: number;
  storedP50Ms: number;
  storedP99Ms: number;
  dashboardP50Ms: number;
  dashboardP99Ms: number;
  peakRssMb: number;
  cpuPercent: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '10000,20000,50000,100000' },
      'step-s': { type: 'string', default: '60' },
      stations: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '100' },
      'no-outage': { type: 'boolean', default: false },
      'outage-s': { type: 'string', default: '60' },
      'outage-rate': { type: 'string', default: '10000' },
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
    centre = await startCentreProcess({ dir: join(dir, 'centre'), influxUrl: influxd.url, cataloguePath, db: 'bench' });
    const influx = createInfluxClient({ api: 'v1', url: influxd.url, db: 'bench' });
    log(`centre pid ${centre.pid}: ${centre.mqttUrl}, ${centre.dashboardUrl}`);

    // 3. Dashboard client measuring publish-to-dashboard latency (reading ts = publish time).
    const dashLatencies: number[] = [];
    const ws = new WebSocket(`${centre.dashboardUrl.replace('http', 'ws')}/ws`, { headers: centre.wsHeaders });
    ws.on('message', (data) => {
      const now = Date.now();
      const frame = JSON.parse(String(data)) as LiveFrame;
      if (frame.type === 'readings') for (const r of frame.readings) dashLatencies.push(now - r.ts);
    });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });

    // 4. The load generator.
    gen = fork(join(ROOT, 'bench', 'load-gen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const genMessages = messageQueue(gen);
    const init: LoadGenInit = { url: centre.mqttUrl, catalogue, connections: Number(values.connections), credentials: await centre.gatewayCredentials(catalogue, Number(values.connections)) };
    gen.send(init);
    await genMessages.next('ready');

    const results: StepResult[] = [];
    for (const rate of steps) {
      log(`step ${rate} readings/s for ${stepS} s`);
      dashLatencies.length = 0;
      const watch = watchProc(centre.pid);
      const cmd: StepCommand = { type: 'step', readingsPerSecond: rate, durationS: stepS };
      gen.send(cmd);
      const report = await genMessages.next<StepReport>('step-done');
      const drained = await waitStored(influx, report);
      const usage = await watch.stop();
      const dash = dashLatencies.splice(0);
      results.push({
        offeredReadingsPerS: rate,
        sentReadings: report.sentMessages * 8,
        ackedReadings: report.ackedReadings,
        storedReadings: drained.stored,
        lossReadings: report.ackedReadings - drained.stored,
        storedReadingsPerS: drained.stored / (drained.atMs / 1000),
        ackP50Ms: percentile(report.ackLatencyMs, 50),
        ackP99Ms: percentile(report.ackLatencyMs, 99),
        storedP50Ms: drained.lagP50Ms,
        storedP99Ms: drained.lagP99Ms,
        dashboardP50Ms: percentile(dash, 50),
        dashboardP99Ms: percentile(dash, 99),
        peakRssMb: usage.peakRssMb,
        cpuPercent: usage.cpuPercent,
      });
      log(JSON.stringify(results[results.length - 1]));
    }
    gen.send({ type: 'stop' });
    ws.terminate();

    const out = { machine: { cpus: cpus().length, model: cpus()[0]?.model }, date: new Date().toISOString(), stations: catalogue.stations.length, stepS, influxCeiling: ceiling, steps: results };
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
async function waitStored(influx: InfluxClient, report: StepReport): Promise<{ stored: number; atMs: number; lagP50Ms: number; lagP99Ms: number }> {
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
  child.on('exit', (code) => { for (const w of waiters) w.resolve({ type: 'exit', code }); });
  return {
    next<T>(type: string): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      return new Promise((resolve) => waiters.push({ type, resolve: resolve as (m: unknown) => void }));
    },
  };
}

function markdown(out: { influxCeiling: { pointsPerSecond: number }; stations: number; stepS: number; date: string; steps: StepResult[] }): string {
  const f = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  const rows = out.steps.map((s) => `| ${f(s.offeredReadingsPerS)} | ${f(s.storedReadingsPerS)} | ${f(s.lossReadings)} | ${f(s.ackP50Ms)} / ${f(s.ackP99Ms)} | ${f(s.storedP99Ms)} | ${f(s.dashboardP50Ms)} / ${f(s.dashboardP99Ms)} | ${f(s.peakRssMb)} | ${f(s.cpuPercent)} | ${(s.storedReadingsPerS / out.influxCeiling.pointsPerSecond * 100).toFixed(0)} % |`);
  return [
    `Benchmark ${out.date}: ${out.stations} stations x 8 parameters, ${out.stepS} s a step; InfluxDB 1.6.7 raw ceiling ${f(out.influxCeiling.pointsPerSecond)} points/s.`,
    '',
    '| offered readings/s | stored readings/s | loss | PUBACK p50 / p99 ms | stored lag ms | dashboard p50 / p99 ms | centre peak RSS MB | centre CPU % | of InfluxDB ceiling |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
