import { describe, expect, it } from 'vitest';
import { createLogger, type Rejection } from '../../core/index.js';
import { createRetryPolicy } from '../../platform/index.js';
import { InfluxWriteError, type InfluxClient, type SpoolStats } from '../../ingest/index.js';
import { BatchWriter } from '../../ingest/batch-writer.js';
import { CheckpointAdvancer } from '../../ingest/checkpoint-advancer.js';
import { WriteHealth } from '../../ingest/delivery-health.js';
import { noMetrics, type IngestMetrics } from '../../ingest/ingest-metrics.js';
import { createVirtualTime, type VirtualTime } from '../helpers/virtual-time.js';

const log = createLogger({ level: 'silent' });
const stats = { backlogBytes: 0, backlogPoints: 0 } as SpoolStats;
const line = (i: number, bad = false): string =>
  `reading,parameter=COD,station=S1,status=00,zone=Z value=${bad ? '"BAD"' : i} ${1_700_000_000_000 + i}\n`;

/** Lets virtual time run in steps, with the promise callbacks of each step settled in between. */
async function runFor(vt: VirtualTime, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    vt.advanceBy(step);
  }
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function writerIn(
  vt: VirtualTime,
  influx: InfluxClient,
  appendLine: (line: string, e: Rejection) => Promise<void> = async () => undefined,
) {
  const health = new WriteHealth({ clock: vt.clock, log, metrics: noMetrics, spool: { stats: () => stats } });
  const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, jitter: 'none' });
  const writer = new BatchWriter({
    influx,
    deadLetters: { appendLine },
    log,
    metrics: noMetrics,
    health,
    policy,
    scheduler: vt.scheduler,
    signal: new AbortController().signal,
  });
  return { writer, health };
}

function influxOf(write: (body: string) => Promise<void>): InfluxClient {
  return {
    target: { api: 'v1', url: 'http://influx.invalid', db: 'x' },
    write: (b) => write(b.toString()),
    query: async () => [],
    ensureDatabase: async () => undefined,
  };
}

describe('BatchWriter (split-on-refusal), in virtual time', () => {
  it("retries a failed write after the policy's delays, on the scheduler", async () => {
    const vt = createVirtualTime();
    const t0 = vt.now();
    const tries: number[] = [];
    const { writer, health } = writerIn(
      vt,
      influxOf(async () => {
        tries.push(vt.now() - t0);
        if (tries.length <= 2) throw new InfluxWriteError('down', 'network');
      }),
    );
    let done = false;
    void writer.send(Buffer.from(line(1))).then(() => (done = true));
    await runFor(vt, 50);
    expect(tries).toEqual([0]);
    expect(health.snapshot()).toMatchObject({ consecutiveFailures: 1, failingSince: t0 });
    await runFor(vt, 400);
    expect(tries).toEqual([0, 100, 300]);
    expect(done).toBe(true);
    expect(health.snapshot()).toMatchObject({ consecutiveFailures: 0, failingSince: undefined, lastSuccessAt: t0 + 300 });
  });

  it("waits a 429's Retry-After instead of its own delay", async () => {
    const vt = createVirtualTime();
    const t0 = vt.now();
    const tries: number[] = [];
    const { writer } = writerIn(
      vt,
      influxOf(async () => {
        tries.push(vt.now() - t0);
        if (tries.length === 1) throw new InfluxWriteError('429', 'throttled', 429, '', 700);
      }),
    );
    void writer.send(Buffer.from(line(1)));
    await runFor(vt, 800);
    expect(tries).toEqual([0, 700]);
  });

  it('isolates a refused line: dead-lettered, the rest written', async () => {
    const vt = createVirtualTime();
    const written: string[] = [];
    const dead: string[] = [];
    const { writer } = writerIn(
      vt,
      influxOf(async (body) => {
        if (body.includes('BAD')) throw new InfluxWriteError('400', 'rejected', 400, 'field type conflict');
        written.push(body);
      }),
      async (l) => void dead.push(l),
    );
    await writer.send(Buffer.from(line(1) + line(2, true) + line(3) + line(4)));
    expect(dead).toEqual([line(2, true).trimEnd()]);
    expect(written.join('')).toBe(line(1) + line(3) + line(4));
  });
});

describe('CheckpointAdvancer, in virtual time', () => {
  it("retries a failed checkpoint write after the policy's delay, and folds batches stored meanwhile into the next write", async () => {
    const vt = createVirtualTime();
    const advances: Array<[number, number]> = [];
    let failures = 1;
    const delivered: number[] = [];
    const metrics: IngestMetrics = { ...noMetrics, delivered: (n) => void delivered.push(n) };
    const spool = {
      advance: async (to: number, lines: number): Promise<number[]> => {
        advances.push([to, lines]);
        if (failures-- > 0) throw new Error('EIO');
        return [];
      },
    };
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, jitter: 'none' });
    const advancer = new CheckpointAdvancer({
      spool,
      log,
      metrics,
      clock: vt.clock,
      policy,
      scheduler: vt.scheduler,
      signal: new AbortController().signal,
    });
    advancer.queue(10, 1);
    await runFor(vt, 50);
    expect(advances).toEqual([[10, 1]]);
    advancer.queue(20, 2);
    advancer.queue(30, 3);
    await runFor(vt, 100);
    await advancer.settled();
    expect(advances).toEqual([
      [10, 1],
      [10, 1],
      [30, 5],
    ]);
    expect(delivered).toEqual([1, 5]);
  });
});
