/**
 * The outage step (docs/PERFORMANCE.md, "How it is measured", step 5): InfluxDB stopped for a
 * while under steady load, then started again; what was acknowledged against what was stored,
 * the backlog at restart, how fast it drained, and the centre's memory meanwhile.
 */
import type { ChildProcess } from 'node:child_process';
import type { InfluxClient } from '../ingest/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import type { MessageQueue } from './child-messages.js';
import type { StepCommand, StepReport } from './load-gen.js';
import { watchProc } from './proc-stats.js';
import { waitStored } from './wait-stored.js';

export interface OutageResult {
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

export interface OutageStepOptions {
  rate: number;
  outageS: number;
  gen: ChildProcess;
  genMessages: MessageQueue;
  influx: InfluxClient;
  influxd: { stop(): Promise<void>; start(): Promise<void> };
  /** The centre's. */
  pid: number;
  log: (m: string) => void;
  scheduler?: SchedulerLike;
}

/** Load for 5 s, InfluxDB down for `outageS`, then up to 90 s for the backlog to drain (the load goes on throughout). */
export async function outageStep(o: OutageStepOptions): Promise<OutageResult> {
  const scheduler = o.scheduler ?? systemScheduler;
  const leadS = 5;
  const tailS = 90;
  o.log(`outage step: ${o.rate} readings/s, InfluxDB stopped for ${o.outageS} s`);
  const watch = watchProc(o.pid);
  const stepStart = scheduler.now();
  o.gen.send({ type: 'step', readingsPerSecond: o.rate, durationS: leadS + o.outageS + tailS } satisfies StepCommand);
  const done = o.genMessages.next<StepReport>('step-done');
  await wait(leadS * 1000, scheduler);
  await o.influxd.stop();
  await wait(o.outageS * 1000, scheduler);
  const countSince = async (): Promise<number> => {
    const series = await o.influx.query(`SELECT count("value") FROM "reading" WHERE time >= ${stepStart}ms`).catch(() => []);
    return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
  };
  await o.influxd.start();
  const restartAt = scheduler.now();
  const storedAtRestart = await countSince();
  const backlogAtRestart = Math.max(0, Math.round(((restartAt - stepStart) / 1000) * o.rate) - storedAtRestart);
  let drainS = NaN;
  while (scheduler.now() - restartAt < tailS * 1000) {
    const stored = await countSince();
    const offeredSoFar = ((scheduler.now() - stepStart) / 1000) * o.rate;
    if (stored >= offeredSoFar - o.rate) {
      drainS = (scheduler.now() - restartAt) / 1000;
      break;
    }
    await wait(500, scheduler);
  }
  const report = await done;
  const drained = await waitStored(o.influx, report, scheduler);
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
