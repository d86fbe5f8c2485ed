import { describe, expect, it } from 'vitest';
import { centreEnv, parseBenchArgs } from '../../bench/bench-args.js';
import { connectPacket, publishPacket } from '../../bench/mqtt-wire.js';
import { COLUMNS, markdown } from '../../bench/results-markdown.js';
import type { StepResult } from '../../bench/step.js';
import { waitStored } from '../../bench/wait-stored.js';
import { PendingAcks } from '../../bench/wire-acks.js';
import { PacketReader } from '../../bench/wire-reader.js';
import type { StepReport } from '../../bench/load-gen.js';
import type { InfluxClient } from '../../ingest/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const step = (): StepResult => ({
  offeredReadingsPerS: 10_000,
  sentReadings: 80_000,
  ackedReadings: 80_000,
  storedReadings: 80_000,
  lossReadings: 0,
  storedReadingsPerS: 9_876.5,
  ackedReadingsPerS: 9_990,
  ackP50Ms: 3,
  ackP99Ms: 40,
  storedP50Ms: 120,
  storedP99Ms: 120,
  stationPageP50Ms: NaN,
  stationPageP99Ms: 12,
  stationPageReadings: 4,
  overviewP50Ms: 100,
  overviewP99Ms: 260,
  alertP50Ms: 5,
  alertP99Ms: 9,
  alertsSeen: 50,
  alertsExpected: 50,
  peakRssMb: 210,
  heapUsedMb: 80,
  externalMb: 10,
  cpuPercent: 55,
  loadCpuPercent: 60,
  loadGenCpuPercent: 20,
  influxCpuPercent: 40,
  benchCpuPercent: 5,
});

describe('bench parts', () => {
  it('results-markdown: the header, its separator and every row have one cell a column', () => {
    const md = markdown({
      influxCeiling: { pointsPerSecond: 250_000, points: 1, seconds: 1 },
      stations: 200,
      stepS: 5,
      date: '2026-11-27T01:00:00.000Z',
      command: 'npm run bench',
      steps: [step(), step()],
      outage: undefined,
      alertsEngine: undefined,
    });
    const table = md.split('\n').filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(4);
    for (const line of table) expect(line.split('|').length - 2).toBe(COLUMNS.length);
    expect(COLUMNS).toHaveLength(13);
    expect(table[2]).toBe(
      '| 10,000 | 9,990 | 9,877 | 0 | 3 / 40 | 120 | - / 12 | 100 / 260 | 5 / 9 (50/50) | 210 (80 / 10) | 55 | 60 / 20 / 40 / 5 | 0.04 |',
    );
  });

  it('bench-args: the defaults, and --centre-env as an environment', () => {
    const args = parseBenchArgs([]);
    expect(args).toMatchObject({ steps: [10_000, 20_000, 50_000, 100_000], stepS: 60, stations: 2000, connections: 100, stationPages: 8 });
    expect(args.outage).toEqual({ rate: 10_000, outageS: 60 });
    expect(parseBenchArgs(['--no-outage']).outage).toBeUndefined();
    expect(centreEnv('QUANTRAC_HEAP_MB=384,A=b=c')).toEqual({ QUANTRAC_HEAP_MB: '384', A: 'b=c' });
    expect(() => centreEnv('=x')).toThrow(/NAME=value/);
  });

  it('wire-reader: packets whole, several in a chunk, or split at any byte', () => {
    const packets = Buffer.concat([publishPacket('t/1', 'x'.repeat(200), 7), connectPacket({ clientId: 'c', keepaliveS: 60 })]);
    for (let cut = 0; cut <= packets.length; cut++) {
      const seen: Array<[number, number]> = [];
      const reader = new PacketReader((type, _buf, _at, len) => {
        seen.push([type, len]);
        return true;
      });
      reader.push(packets.subarray(0, cut));
      reader.push(packets.subarray(cut));
      expect(seen).toEqual([
        [3, 2 + 3 + 2 + 200],
        [1, packets.length - (3 + 2 + 3 + 2 + 200) - 2],
      ]);
    }
  });

  it('wire-acks: ids from 1, each PUBACK settles once, ids still waiting are skipped after the wrap', () => {
    const acks = new PendingAcks();
    let settled = 0;
    const first = acks.add(() => settled++);
    expect(first).toBe(1);
    for (let i = 2; i <= 65_535; i++) acks.add(() => settled++);
    acks.settle(3);
    acks.settle(3);
    expect(settled).toBe(1);
    expect(acks.outstanding).toBe(65_534);
    expect(acks.add(() => settled++)).toBe(3);
  });

  it('wait-stored: polls every 200 ms until every acknowledged reading is counted (virtual time)', async () => {
    const vt = createVirtualTime();
    const counts = [10, 20, 40];
    const influx = { query: async () => [{ values: [[0, counts.shift() ?? 40]] }] } as unknown as InfluxClient;
    const report = { firstTs: vt.now() - 5000, lastTs: vt.now() - 100, ackedReadings: 40 } as StepReport;
    const done = waitStored(influx, report, vt.scheduler);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      vt.advanceBy(200);
    }
    expect(await done).toEqual({ stored: 40, atMs: 5400, lagP50Ms: 500, lagP99Ms: 500 });
  });
});
