/**
 * The results of `npm run bench` (bench/results/latest.json) and their markdown
 * (bench/results/latest.md): the steps' table, the alerts engine alone, the outage, the relay
 * and the cluster steps (cluster-markdown.ts).
 */
import type { EngineBench } from './child-messages.js';
import { clusterLines } from './cluster-markdown.js';
import type { ClusterResult } from './cluster-step.js';
import type { OutageResult } from './outage-step.js';
import type { RelayResult } from './relay-step.js';
import type { StepResult } from './step.js';

/** latest.json, field by field in this order. */
export interface BenchResults {
  machine: { cpus: number; model: string | undefined };
  date: string;
  command: string;
  stations: number;
  stepS: number;
  influxCeiling: { pointsPerSecond: number; points: number; seconds: number };
  steps: StepResult[];
  outage: OutageResult | undefined;
  /** Absent from results written before the relay step existed. */
  relay?: RelayResult;
  /** Absent from results written before the cluster step existed, or with --no-cluster. */
  cluster?: ClusterResult;
  alertsEngine: EngineBench | undefined;
}

/** The steps' table: one column a figure (several figures of one kind share a cell, "p50 / p99"). */
export const COLUMNS = [
  'offered readings/s',
  'acknowledged readings/s (first publish to last PUBACK)',
  'stored readings/s (first publish to last stored)',
  'loss',
  'PUBACK p50 / p99 ms',
  'stored lag ms',
  'dashboard p50 / p99 ms: station page',
  'dashboard p50 / p99 ms: overview (every station, 4 frames/s)',
  'alert p50 / p99 ms (seen/expected)',
  'centre peak RSS MB (heap used / external at the end)',
  'centre CPU % (step and drain)',
  'CPU % while offered: centre / load gen / InfluxDB / bench',
  'stored / InfluxDB ceiling',
] as const;

/** A whole number with thousands separators, or '-' when there is none. */
const f = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

/** A step's cells, one per column. */
export function stepCells(s: StepResult, ceilingPointsPerS: number): string[] {
  return [
    f(s.offeredReadingsPerS),
    f(s.ackedReadingsPerS),
    f(s.storedReadingsPerS),
    f(s.lossReadings),
    `${f(s.ackP50Ms)} / ${f(s.ackP99Ms)}`,
    f(s.storedP99Ms),
    `${f(s.stationPageP50Ms)} / ${f(s.stationPageP99Ms)}`,
    `${f(s.overviewP50Ms)} / ${f(s.overviewP99Ms)}`,
    `${f(s.alertP50Ms)} / ${f(s.alertP99Ms)} (${s.alertsSeen}/${s.alertsExpected})`,
    `${f(s.peakRssMb)} (${f(s.heapUsedMb)} / ${f(s.externalMb)})`,
    f(s.cpuPercent),
    `${f(s.loadCpuPercent)} / ${f(s.loadGenCpuPercent)} / ${f(s.influxCpuPercent)} / ${f(s.benchCpuPercent)}`,
    (s.storedReadingsPerS / ceilingPointsPerS).toFixed(2),
  ];
}

export function markdown(
  out: Pick<
    BenchResults,
    'influxCeiling' | 'stations' | 'stepS' | 'date' | 'command' | 'steps' | 'outage' | 'relay' | 'cluster' | 'alertsEngine'
  >,
): string {
  const rows = out.steps.map((s) => `| ${stepCells(s, out.influxCeiling.pointsPerSecond).join(' | ')} |`);
  const o = out.outage;
  return [
    `Benchmark ${out.date} (\`${out.command}\`): ${out.stations} stations x 8 parameters, ${out.stepS} s a step, 2 cores shared by the centre, InfluxDB 1.6.7 and the load generator. InfluxDB's raw ingest ceiling in the same run: ${f(out.influxCeiling.pointsPerSecond)} points/s.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
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
    ...relayLines(out.relay),
    ...clusterLines(out.cluster),
  ].join('\n');
}

/** The relay step: a province forwarding to a national centre, every figure taken at the nation. */
function relayLines(r: RelayResult | undefined): string[] {
  if (!r) return [];
  return [
    `Through a relay (a province forwarding to a national centre, each its own process and database; figures at the nation): ${f(r.offeredReadingsPerS)} readings/s offered to the province, ${f(r.ackedReadingsPerS)} acknowledged/s, ${f(r.storedReadings)} of ${f(r.ackedReadings)} stored at the nation (loss ${f(r.lossReadings)}); publish-to-national-dashboard p50 / p99: station page ${f(r.stationPageP50Ms)} / ${f(r.stationPageP99Ms)} ms, overview ${f(r.overviewP50Ms)} / ${f(r.overviewP99Ms)} ms; publish-to-national-alert p50 / p99 ${f(r.alertP50Ms)} / ${f(r.alertP99Ms)} ms; province's relay backlog at the end ${f(r.relayBacklogPoints)} readings, ${f(r.relayForwardedReadings)} forwarded.`,
    '',
  ];
}
