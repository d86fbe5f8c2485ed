/**
 * Waits until a step's acknowledged readings are all in InfluxDB: the stored count and rate,
 * and the stored lag (docs/PERFORMANCE.md, "How it is measured", step 4).
 */
import type { InfluxClient } from '../ingest/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import type { StepReport } from './load-gen.js';

export interface Stored {
  /** Readings stored between the step's first and last publish. */
  stored: number;
  /** From the step's first publish until the count was complete (or the wait gave up). */
  atMs: number;
  /** From the step's last publish until the count was complete: one figure, reported as both p50 and p99. */
  lagP50Ms: number;
  lagP99Ms: number;
}

/** Polls InfluxDB every 200 ms until every acknowledged reading of the step is stored, or 180 s pass. */
export async function waitStored(influx: InfluxClient, report: StepReport, scheduler: SchedulerLike = systemScheduler): Promise<Stored> {
  const t0 = report.firstTs;
  const deadline = scheduler.now() + 180_000;
  let stored: number;
  for (;;) {
    const series = await influx.query(`SELECT count("value") FROM "reading" WHERE time >= ${t0}ms AND time <= ${report.lastTs}ms`);
    stored = (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
    if (stored >= report.ackedReadings || scheduler.now() > deadline) break;
    await wait(200, scheduler);
  }
  const atMs = scheduler.now() - t0;
  const lag = Math.max(0, scheduler.now() - report.lastTs);
  return { stored, atMs, lagP50Ms: lag, lagP99Ms: lag };
}
