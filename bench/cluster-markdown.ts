/**
 * The cluster step's part of bench/results/latest.md (results-markdown.ts): one row a rate,
 * figures as the single-process table has them, the CPU of every process, and the cost per
 * reading against the single-process step at the same rate.
 */
import type { ClusterStepResult } from './cluster-measure.js';
import type { ClusterResult } from './cluster-step.js';

export const CLUSTER_COLUMNS = [
  'offered readings/s',
  'acknowledged readings/s',
  'stored readings/s',
  'loss',
  'PUBACK p50 / p99 ms',
  'stored lag ms',
  'dashboard p50 / p99 ms on node a: station page',
  'dashboard p50 / p99 ms on node a: overview',
  'alert p50 / p99 ms (seen/expected)',
  'CPU % (step and drain): node a / node b / Redis primary / Redis replica',
  'CPU % while offered: node a / node b / Redis primary / Redis replica / load gens / InfluxDB / bench',
  'peak RSS MB: node a / node b / Redis primary / Redis replica',
  'CPU µs a reading: cluster / single-process',
  'cost ratio (step and drain / while offered)',
] as const;

const f = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const r2 = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '-');
const pair = (a: number, b: number): string => `${f(a)} / ${f(b)}`;

export function clusterCells(s: ClusterStepResult): string[] {
  const procs = [...s.centres, ...s.redis];
  return [
    f(s.offeredReadingsPerS),
    f(s.ackedReadingsPerS),
    f(s.storedReadingsPerS),
    f(s.lossReadings),
    pair(s.ackP50Ms, s.ackP99Ms),
    f(s.storedP99Ms),
    pair(s.stationPageP50Ms, s.stationPageP99Ms),
    pair(s.overviewP50Ms, s.overviewP99Ms),
    `${pair(s.alertP50Ms, s.alertP99Ms)} (${s.alertsSeen}/${s.alertsExpected})`,
    procs.map((p) => f(p.cpuPercent)).join(' / '),
    [...procs.map((p) => p.loadCpuPercent), s.loadGenCpuPercent, s.influxCpuPercent, s.benchCpuPercent].map(f).join(' / '),
    procs.map((p) => f(p.peakRssMb)).join(' / '),
    `${r2(s.cpuUsPerReading)} / ${r2(s.singleCpuUsPerReading)}`,
    `${r2(s.costRatio)} / ${r2(s.costRatioWhileOffered)}`,
  ];
}

export function clusterLines(c: ClusterResult | undefined): string[] {
  if (!c) return [];
  return [
    `Cluster mode (${c.nodes} nodes, a Redis primary and its replica, all on this machine: docs/CLUSTER.md; half the gateways on each node, the dashboard and alert probes on node a). Cost ratio: CPU of both nodes and both Redis processes per stored reading, over the CPU of the one centre per stored reading in the single-process step at the same rate of this run.`,
    '',
    `| ${CLUSTER_COLUMNS.join(' | ')} |`,
    `|${CLUSTER_COLUMNS.map(() => '---').join('|')}|`,
    ...c.steps.map((s) => `| ${clusterCells(s).join(' | ')} |`),
    '',
  ];
}
