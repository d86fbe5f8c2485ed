/**
 * One measured load step (docs/PERFORMANCE.md, "How it is measured", step 4): the load
 * generator offers a rate for the step's duration; then the stored count, latencies, memory
 * and CPU of that step make one StepResult.
 */
import type { ChildProcess } from 'node:child_process';
import type { CatalogueFile } from '../core/index.js';
import type { InfluxClient } from '../ingest/index.js';
import type { AlertLatency } from './alert-latency.js';
import type { CentreProcess } from './centre-process.js';
import type { MessageQueue } from './child-messages.js';
import type { DashboardClients } from './live-latency-client.js';
import type { StepCommand, StepReport } from './load-gen.js';
import { percentile } from './percentile.js';
import { cpuPercentBetween, watchProc, type ProcSample } from './proc-stats.js';
import { waitStored, type Stored } from './wait-stored.js';

export interface StepResult {
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

/** What a step runs against: the processes, the load generator's messages and the latency probes. */
export interface StepContext {
  centre: CentreProcess;
  gen: ChildProcess;
  genMessages: MessageQueue;
  influx: InfluxClient;
  influxPid: number;
  catalogue: CatalogueFile;
  stepS: number;
  dashboard: DashboardClients;
  alerts: AlertLatency;
  log: (msg: string) => void;
}

/** Exceedances a step asks for: fresh stations each step, so each raises a new alert (one per station, parameter, rule). */
const ALERTS_PER_STEP = 50;

/** Step `k` (from 0) at `rate` readings/s. */
export async function measureStep(ctx: StepContext, k: number, rate: number): Promise<StepResult> {
  const { centre, gen, dashboard, alerts } = ctx;
  ctx.log(`step ${rate} readings/s for ${ctx.stepS} s`);
  dashboard.overview.length = 0;
  dashboard.stationPages.length = 0;
  alerts.latencies.length = 0;
  const stepStart = Date.now();
  const watch = watchProc(centre.pid);
  // The load generator is watched as well, though its CPU comes from its own report.
  const others = [gen.pid!, ctx.influxPid, process.pid].map((pid) => watchProc(pid));
  const exceedStations = ctx.catalogue.stations.slice(k * ALERTS_PER_STEP, (k + 1) * ALERTS_PER_STEP).map((s) => s.id);
  const cmd: StepCommand = { type: 'step', readingsPerSecond: rate, durationS: ctx.stepS, exceedStations };
  gen.send(cmd);
  const report = await ctx.genMessages.next<StepReport>('step-done');
  const drained = await waitStored(ctx.influx, report);
  const usage = await watch.stop();
  const [, influxUsage, benchUsage] = await Promise.all(others.map((w) => w.stop()));
  const loadEnd = stepStart + report.durationMs;
  const loadCpu = (u: { samples: ProcSample[] }): number => cpuPercentBetween(u.samples, stepStart, loadEnd);
  const mem = await centreMemory(centre.dashboardUrl);
  const latencies = {
    overview: dashboard.overview.splice(0),
    stationPages: dashboard.stationPages.splice(0),
    alerts: alerts.latencies.splice(0),
  };
  return {
    ...deliveryFigures(rate, report, drained, latencies, exceedStations.length),
    peakRssMb: usage.peakRssMb,
    heapUsedMb: mem.heapUsedMb,
    externalMb: mem.externalMb,
    cpuPercent: usage.cpuPercent,
    loadCpuPercent: loadCpu(usage),
    loadGenCpuPercent: report.cpuPercent,
    influxCpuPercent: loadCpu(influxUsage!),
    benchCpuPercent: loadCpu(benchUsage!),
  };
}

/** The step's counts, rates and latencies (every StepResult field before the memory and CPU ones). */
export function deliveryFigures(
  rate: number,
  report: StepReport,
  drained: Stored,
  latencies: { overview: number[]; stationPages: number[]; alerts: number[] },
  alertsExpected: number,
): Omit<StepResult, 'peakRssMb' | 'heapUsedMb' | 'externalMb' | `${string}CpuPercent` | 'cpuPercent'> {
  const { overview, stationPages, alerts } = latencies;
  return {
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
    alertP50Ms: percentile(alerts, 50),
    alertP99Ms: percentile(alerts, 99),
    alertsSeen: alerts.length,
    alertsExpected,
  };
}

/** The centre's heap and external memory, from its /metrics (prom-client's process metrics). */
export async function centreMemory(url: string): Promise<{ heapUsedMb: number; externalMb: number }> {
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 ** 2;
  return { heapUsedMb: value('nodejs_heap_size_used_bytes'), externalMb: value('nodejs_external_memory_bytes') };
}
