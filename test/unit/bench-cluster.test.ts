import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/bench-args.js';
import { CLUSTER_COLUMNS } from '../../bench/cluster-markdown.js';
import { cpuUsPerReading, withSingleCost, type ClusterStepResult } from '../../bench/cluster-measure.js';
import type { StepReport } from '../../bench/load-gen.js';
import { mergeReports, splitLoad } from '../../bench/load-split.js';
import { sampleProc, watchProc } from '../../bench/proc-stats.js';
import { markdown } from '../../bench/results-markdown.js';
import type { StepResult } from '../../bench/step.js';
import type { CatalogueFile } from '../../core/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const catalogue = (n: number): CatalogueFile =>
  ({ stations: Array.from({ length: n }, (_, i) => ({ id: `S${i}` })) }) as unknown as CatalogueFile;

const report = (over: Partial<StepReport>): StepReport => ({
  type: 'step-done',
  readingsPerSecond: 10_000,
  sentMessages: 100,
  ackedMessages: 100,
  ackedReadings: 800,
  firstTs: 1000,
  lastTs: 2000,
  ackLatencyMs: [1, 2],
  ackedByStation: {},
  durationMs: 1000,
  cpuPercent: 10,
  ...over,
});

const proc = (cpuPercent: number) => ({ cpuPercent, loadCpuPercent: cpuPercent, peakRssMb: 100 });

const clusterStep = (): ClusterStepResult =>
  ({
    offeredReadingsPerS: 20_000,
    ackedReadingsPerS: 20_000,
    storedReadingsPerS: 20_000,
    lossReadings: 0,
    ackP50Ms: 5,
    ackP99Ms: 20,
    storedP50Ms: 100,
    storedP99Ms: 100,
    stationPageP50Ms: 30,
    stationPageP99Ms: 90,
    overviewP50Ms: 130,
    overviewP99Ms: 300,
    alertP50Ms: 10,
    alertP99Ms: 40,
    alertsSeen: 50,
    alertsExpected: 50,
    centres: [proc(40), proc(40)],
    redis: [proc(15), proc(5)],
    loadGenCpuPercent: 10,
    influxCpuPercent: 30,
    benchCpuPercent: 5,
    cpuUsPerReading: cpuUsPerReading(100, 20_000),
  }) as ClusterStepResult;

describe('bench cluster step parts', () => {
  it('splitLoad: each node gets half the connections and exactly the stations their accounts list', () => {
    const cat = catalogue(1000);
    const credentials = Array.from({ length: 100 }, (_, i) => ({ username: `gw${i}`, password: 'x' }));
    const inits = splitLoad(['mqtt://a', 'mqtt://b'], cat, 100, credentials);
    expect(inits.map((i) => i.connections)).toEqual([50, 50]);
    expect(inits.map((i) => i.catalogue.stations.length)).toEqual([500, 500]);
    for (const init of inits) {
      // The load generator gives station m of its catalogue to its connection m % connections.
      init.catalogue.stations.forEach((s, m) => {
        const original = Number(s.id.slice(1));
        expect(init.credentials![m % init.connections]!.username).toBe(`gw${original % 100}`);
      });
    }
    expect(() => splitLoad(['a', 'b'], cat, 99, credentials)).toThrow(/evenly/);
  });

  it('mergeReports: counts and CPU summed, the earliest first and latest last publish', () => {
    const m = mergeReports([
      report({ firstTs: 900, lastTs: 1900, ackedByStation: { A: 8 }, durationMs: 1010 }),
      report({ ackedByStation: { B: 16 }, ackLatencyMs: [3] }),
    ]);
    expect(m).toMatchObject({ sentMessages: 200, ackedReadings: 1600, firstTs: 900, lastTs: 2000, durationMs: 1010, cpuPercent: 20 });
    expect(m.ackLatencyMs).toEqual([1, 2, 3]);
    expect(m.ackedByStation).toEqual({ A: 8, B: 16 });
  });

  it('withSingleCost: the ratio against the single-process step at the same rate, none without one', () => {
    const single = {
      offeredReadingsPerS: 20_000,
      cpuPercent: 50,
      storedReadingsPerS: 20_000,
      loadCpuPercent: 50,
      ackedReadingsPerS: 20_000,
    };
    const c = withSingleCost(clusterStep(), [single as StepResult]);
    expect(c.cpuUsPerReading).toBeCloseTo(50); // 100 % of a core over 20,000 readings/s
    expect(c.singleCpuUsPerReading).toBeCloseTo(25);
    expect(c.costRatio).toBeCloseTo(2);
    expect(c.costRatioWhileOffered).toBeCloseTo(2);
    expect(withSingleCost(clusterStep(), [{ ...single, offeredReadingsPerS: 50_000 } as StepResult]).costRatio).toBeUndefined();
  });

  it('bench-args: the cluster step on by default at 20,000 and 50,000, off with --no-cluster', () => {
    expect(parseBenchArgs([]).clusterRates).toEqual([20_000, 50_000]);
    expect(parseBenchArgs(['--cluster-rates', '10000']).clusterRates).toEqual([10_000]);
    expect(parseBenchArgs(['--no-cluster']).clusterRates).toBeUndefined();
  });

  it('results-markdown: the cluster table has one cell a column', () => {
    const md = markdown({
      influxCeiling: { pointsPerSecond: 250_000, points: 1, seconds: 1 },
      stations: 200,
      stepS: 5,
      date: '2026-11-27T01:00:00.000Z',
      command: 'npm run bench',
      steps: [],
      outage: undefined,
      cluster: { nodes: 2, steps: [withSingleCost(clusterStep(), [])] },
      alertsEngine: undefined,
    });
    const table = md.split('\n').filter((l) => l.startsWith('|') && !l.includes('acknowledged readings/s (first'));
    const rows = table.slice(-3);
    for (const line of rows) expect(line.split('|').length - 2).toBe(CLUSTER_COLUMNS.length);
    expect(rows[2]).toContain('| 50.00 / - | - / - |');
  });

  it('proc-stats: a watch stopped while a sample is being read schedules no more (virtual time)', async () => {
    const vt = createVirtualTime();
    const watch = watchProc(process.pid, 500, vt.scheduler);
    // The first sample is still being read from /proc: stop now.
    const usage = await watch.stop();
    // Reads queued after the first one, so that it has finished by the time these have.
    await Promise.all([sampleProc(process.pid), sampleProc(process.pid)]);
    expect(vt.scheduler.actions).toHaveLength(0);
    expect(usage.samples.length).toBeGreaterThan(0);
  });
});
