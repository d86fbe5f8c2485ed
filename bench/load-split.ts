/**
 * The load of one step split over several nodes (docs/PERFORMANCE.md, "How it is measured",
 * the cluster step): one load generator a node, each with its share of the gateway connections
 * and of the rate, and their reports put back together as one.
 */
import type { CatalogueFile } from '../core/index.js';
import type { LoadGenInit, StepReport } from './load-gen.js';

/**
 * The load generator's init for each of `urls`. Connection i serves the stations whose index
 * modulo `connections` is i (centre-process.ts made its account so); part p gets connections
 * [p*n/parts, (p+1)*n/parts) and only those stations, in catalogue order, so that its own
 * connection j (= index modulo its count) is the one whose account lists them.
 */
export function splitLoad(
  urls: string[],
  catalogue: CatalogueFile,
  connections: number,
  credentials: Array<{ username: string; password: string }>,
): LoadGenInit[] {
  const parts = urls.length;
  if (connections % parts !== 0) throw new Error(`--connections ${connections} does not split evenly over ${parts} nodes`);
  const per = connections / parts;
  return urls.map((url, p) => ({
    url,
    catalogue: { ...catalogue, stations: catalogue.stations.filter((_s, i) => Math.floor((i % connections) / per) === p) },
    connections: per,
    credentials: credentials.slice(p * per, (p + 1) * per),
  }));
}

/** The reports of one step's generators as one: counts summed, the earliest first and latest last publish, CPU summed. */
export function mergeReports(reports: StepReport[]): StepReport {
  const ackedByStation: Record<string, number> = {};
  for (const r of reports) Object.assign(ackedByStation, r.ackedByStation);
  const sum = (f: (r: StepReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  return {
    type: 'step-done',
    readingsPerSecond: sum((r) => r.readingsPerSecond),
    sentMessages: sum((r) => r.sentMessages),
    ackedMessages: sum((r) => r.ackedMessages),
    ackedReadings: sum((r) => r.ackedReadings),
    firstTs: Math.min(...reports.map((r) => r.firstTs)),
    lastTs: Math.max(...reports.map((r) => r.lastTs)),
    ackLatencyMs: reports.flatMap((r) => r.ackLatencyMs),
    ackedByStation,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    cpuPercent: sum((r) => r.cpuPercent),
  };
}
