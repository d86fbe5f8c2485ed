/**
 * One measured step of the cluster step (docs/PERFORMANCE.md, "How it is measured"): like
 * step.ts's, with one load generator a node (half the connections and half the rate each), the
 * CPU of every node and of both Redis processes, and the cost per reading against the
 * single-process step at the same rate.
 */
import type { CatalogueFile } from '../core/index.js';
import type { InfluxClient } from '../ingest/index.js';
import type { AlertLatency } from './alert-latency.js';
import type { CentreProcess } from './centre-process.js';
import type { MessageQueue } from './child-messages.js';
import type { DashboardClients } from './live-latency-client.js';
import type { StepCommand, StepReport } from './load-gen.js';
import { mergeReports } from './load-split.js';
import { cpuPercentBetween, watchProc, type ProcSample } from './proc-stats.js';
import { deliveryFigures, type StepResult } from './step.js';
import { waitStored } from './wait-stored.js';

export type DeliveryFigures = ReturnType<typeof deliveryFigures>;

/** CPU as % of one core, per process: over the step and its drain, and while the load was offered. */
export interface ProcCpu {
  cpuPercent: number;
  loadCpuPercent: number;
  peakRssMb: number;
}

export interface ClusterStepResult extends DeliveryFigures {
  /** The centres, in node order (a, b). */
  centres: ProcCpu[];
  /** The Redis primary, then its replica. */
  redis: ProcCpu[];
  /** The load generators together (their own reports). */
  loadGenCpuPercent: number;
  /** While offered. */
  influxCpuPercent: number;
  benchCpuPercent: number;
  /** CPU of both centres and both Redis processes over the step and its drain, in core-microseconds per stored reading. */
  cpuUsPerReading: number;
  /** The same of the one centre in the single-process step at this rate, from the same run (absent when it had no such step). */
  singleCpuUsPerReading?: number;
  /** cpuUsPerReading / singleCpuUsPerReading: what a reading costs in cluster mode, in single-process readings. */
  costRatio?: number;
  /** The same ratio from the CPU while the load was offered, against acknowledged readings/s. */
  costRatioWhileOffered?: number;
}

export interface ClusterStepContext {
  centres: CentreProcess[];
  redisPids: number[];
  /** One load generator a centre, ready. */
  gens: Array<{ pid: number; send(cmd: StepCommand): void; messages: MessageQueue }>;
  influx: InfluxClient;
  influxPid: number;
  catalogue: CatalogueFile;
  stepS: number;
  /** On the first centre. */
  dashboard: DashboardClients;
  alerts: AlertLatency;
  log: (msg: string) => void;
}

/** Exceedances a step asks for, as step.ts: fresh stations each step. */
const ALERTS_PER_STEP = 50;

/** Core-microseconds per reading of processes using `cpuPercent` (% of one core) in all while `perS` readings a second went through. */
export const cpuUsPerReading = (cpuPercent: number, perS: number): number => (cpuPercent / 100 / perS) * 1e6;

/** Cluster step `k` (from 0) at `rate` readings/s in all, split evenly over the generators. */
export async function measureClusterStep(ctx: ClusterStepContext, k: number, rate: number): Promise<ClusterStepResult> {
  const { dashboard, alerts } = ctx;
  ctx.log(`cluster step ${rate} readings/s over ${ctx.centres.length} nodes for ${ctx.stepS} s`);
  dashboard.overview.length = 0;
  dashboard.stationPages.length = 0;
  alerts.latencies.length = 0;
  const stepStart = Date.now();
  const watched = [...ctx.centres.map((c) => c.pid), ...ctx.redisPids, ctx.influxPid, process.pid].map((pid) => watchProc(pid));
  const exceedStations = ctx.catalogue.stations.slice(k * ALERTS_PER_STEP, (k + 1) * ALERTS_PER_STEP).map((s) => s.id);
  const perGen = rate / ctx.gens.length;
  for (const g of ctx.gens) g.send({ type: 'step', readingsPerSecond: perGen, durationS: ctx.stepS, exceedStations });
  const reports = await Promise.all(ctx.gens.map((g) => g.messages.next<StepReport | { type: 'exit'; code: number }>('step-done')));
  const exited = reports.find((r) => r.type === 'exit');
  if (exited) throw new Error(`a load generator exited (${(exited as { code: number }).code}) during the cluster step`);
  const report = mergeReports(reports as StepReport[]);
  const drained = await waitStored(ctx.influx, report);
  const usages = await Promise.all(watched.map((w) => w.stop()));
  const loadEnd = stepStart + report.durationMs;
  const proc = (u: { samples: ProcSample[]; cpuPercent: number; peakRssMb: number }): ProcCpu => ({
    cpuPercent: u.cpuPercent,
    loadCpuPercent: cpuPercentBetween(u.samples, stepStart, loadEnd),
    peakRssMb: u.peakRssMb,
  });
  const n = ctx.centres.length;
  const centres = usages.slice(0, n).map(proc);
  const redis = usages.slice(n, n + ctx.redisPids.length).map(proc);
  const [influxUsage, benchUsage] = usages.slice(n + ctx.redisPids.length).map(proc);
  const figures = deliveryFigures(
    rate,
    report,
    drained,
    { overview: dashboard.overview.splice(0), stationPages: dashboard.stationPages.splice(0), alerts: alerts.latencies.splice(0) },
    exceedStations.length,
  );
  const all = [...centres, ...redis];
  return {
    ...figures,
    centres,
    redis,
    loadGenCpuPercent: report.cpuPercent,
    influxCpuPercent: influxUsage!.loadCpuPercent,
    benchCpuPercent: benchUsage!.loadCpuPercent,
    cpuUsPerReading: cpuUsPerReading(
      all.reduce((a, p) => a + p.cpuPercent, 0),
      figures.storedReadingsPerS,
    ),
  };
}

/**
 * The cost against the single-process step at the same offered rate: CPU of the one centre
 * over its step and drain per stored reading (and while offered, per acknowledged reading).
 */
export function withSingleCost(c: ClusterStepResult, single: StepResult[]): ClusterStepResult {
  const s = single.find((x) => x.offeredReadingsPerS === c.offeredReadingsPerS);
  if (!s) return c;
  const singleCpuUs = cpuUsPerReading(s.cpuPercent, s.storedReadingsPerS);
  const offeredCpu = [...c.centres, ...c.redis].reduce((a, p) => a + p.loadCpuPercent, 0);
  return {
    ...c,
    singleCpuUsPerReading: singleCpuUs,
    costRatio: c.cpuUsPerReading / singleCpuUs,
    costRatioWhileOffered: cpuUsPerReading(offeredCpu, c.ackedReadingsPerS) / cpuUsPerReading(s.loadCpuPercent, s.ackedReadingsPerS),
  };
}
