import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Rejection } from '../../core/index.js';
import {
  createDelivery,
  createSpool,
  InfluxWriteError,
  type Delivery,
  type DeliveryOptions,
  type InfluxClient,
  type Spool,
} from '../../ingest/index.js';

const log = createLogger({ level: 'silent' });
let dir: string;
let spool: Spool;
let delivery: Delivery | undefined;

/** An InfluxDB stand-in: records every write; `fail` decides a failure per request. */
function fakeInflux(fail: (lines: string[], n: number) => InfluxWriteError | undefined = () => undefined) {
  const writes: string[][] = [];
  const stored = new Map<string, number>();
  let n = 0;
  const client: InfluxClient & { writes: string[][]; stored: Map<string, number>; ensureDatabase: ReturnType<typeof vi.fn> } = {
    target: { api: 'v1', url: 'http://influx.invalid', db: 'x' },
    writes,
    stored,
    async write(body) {
      const lines = body.toString().split('\n').filter(Boolean);
      const err = fail(lines, n++);
      if (err) throw err;
      writes.push(lines);
      for (const l of lines) stored.set(l, (stored.get(l) ?? 0) + 1);
    },
    query: async () => [],
    ensureDatabase: vi.fn(async () => undefined),
  };
  return client;
}

function fakeDeadLetters() {
  const lines: Array<{ line: string; error: Rejection }> = [];
  return {
    lines,
    appendLine: async (line: string, error: Rejection) => {
      lines.push({ line, error });
    },
  };
}

const line = (i: number, bad = false): string =>
  `reading,parameter=COD,station=S${i % 3},status=00,zone=Z value=${bad ? '"BAD"' : i} ${1_700_000_000_000 + i}`;

function start(
  influx: InfluxClient,
  options: Partial<DeliveryOptions> = {},
  deadLetters: DeliveryOptions['deadLetters'] = fakeDeadLetters(),
): Delivery {
  delivery = createDelivery({
    spool,
    influx,
    deadLetters,
    log,
    batchLines: 10,
    batchBytes: 1024 * 1024,
    flushMs: 20,
    retryBaseMs: 10,
    retryMaxMs: 50,
    random: () => 0.5,
    ...options,
  });
  return delivery;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-delivery-'));
  spool = await createSpool({ dir, budgetBytes: 1024 * 1024, highWaterBytes: 512 * 1024, segmentBytes: 64 * 1024, maxSlowdownMs: 0, log });
});
afterEach(async () => {
  await delivery?.close(100);
  delivery = undefined;
  await spool.close();
  await rm(dir, { recursive: true, force: true });
});

const drained = async (): Promise<void> => vi.waitFor(() => expect(spool.stats().backlogBytes).toBe(0), { timeout: 10_000, interval: 10 });

describe('delivery loop', () => {
  it('sends batches of at most INGEST_BATCH_LINES and advances the checkpoint after each 2xx', async () => {
    const influx = fakeInflux();
    await spool.append(Array.from({ length: 25 }, (_, i) => line(i)));
    start(influx);
    await drained();
    expect(influx.writes.map((w) => w.length)).toEqual([10, 10, 5]);
    expect([...influx.stored.values()].every((c) => c === 1)).toBe(true);
    expect(spool.checkpoint).toBe(spool.committedEnd);
  });

  it('keeps two batches in flight; the checkpoint passes a batch only once it and every one before it are stored', async () => {
    const gates: Array<{ lines: string[]; release: () => void }> = [];
    const influx = fakeInflux();
    const write = influx.write.bind(influx);
    influx.write = (body) =>
      new Promise<void>((resolve, reject) => {
        gates.push({ lines: body.toString().split('\n').filter(Boolean), release: () => void write(body).then(resolve, reject) });
      });
    await spool.append(Array.from({ length: 30 }, (_, i) => line(i)));
    start(influx, { concurrency: 2 });
    await vi.waitFor(() => expect(gates).toHaveLength(2), { timeout: 5000, interval: 5 });
    const first = spool.checkpoint;
    // The second batch is stored first: the checkpoint must not move past the first.
    gates[1]!.release();
    await vi.waitFor(() => expect(influx.writes).toHaveLength(1), { timeout: 5000, interval: 5 });
    expect(spool.checkpoint).toBe(first);
    expect(gates).toHaveLength(2); // a third is not sent while the head holds a slot
    gates[0]!.release();
    await vi.waitFor(() => expect(gates).toHaveLength(3), { timeout: 5000, interval: 5 });
    // The checkpoint is written off the send loop (its own fsyncs), so it lands a moment later.
    await vi.waitFor(() => expect(spool.checkpoint).toBeGreaterThan(first), { timeout: 5000, interval: 5 });
    gates[2]!.release();
    await drained();
    expect(gates.map((g) => g.lines.length)).toEqual([10, 10, 10]);
    expect([...influx.stored.values()].every((c) => c === 1)).toBe(true);
  });

  it('waits up to INGEST_FLUSH_MS so lines arriving close together share a request', async () => {
    const influx = fakeInflux();
    start(influx, { flushMs: 1000, batchLines: 1000 });
    await spool.append([line(1)]);
    await spool.append([line(2)]);
    await spool.append([line(3)]);
    await drained();
    expect(influx.writes).toEqual([[line(1), line(2), line(3)]]);
  });

  it('retries network errors, 5xx and 429 with backoff, never dropping, then delivers once', async () => {
    const errors = [
      new InfluxWriteError('refused', 'network'),
      new InfluxWriteError('503', 'server', 503),
      new InfluxWriteError('429', 'throttled', 429, '', 20),
      new InfluxWriteError('500', 'server', 500),
    ];
    const influx = fakeInflux((_l, n) => errors[n]);
    await spool.append(Array.from({ length: 5 }, (_, i) => line(i)));
    const d = start(influx);
    await vi.waitFor(() => expect(d.status().consecutiveFailures).toBeGreaterThan(0), { timeout: 5000, interval: 5 });
    expect(d.status().failingSince).toBeDefined();
    expect(spool.stats().backlogPoints).toBe(5); // the checkpoint has not moved
    await drained();
    expect(influx.writes).toEqual([Array.from({ length: 5 }, (_, i) => line(i))]);
    expect(d.status()).toMatchObject({ consecutiveFailures: 0, failingSince: undefined });
    expect(d.status().lastError).toMatchObject({ kind: 'server', statusCode: 500 });
  });

  it('splits a refused batch (400) to isolate the bad lines: they are dead-lettered, the rest delivered', async () => {
    const influx = fakeInflux((lines) =>
      lines.some((l) => l.includes('BAD'))
        ? new InfluxWriteError('400', 'rejected', 400, '{"error":"partial write: field type conflict"}')
        : undefined,
    );
    const dead = fakeDeadLetters();
    const lines = Array.from({ length: 40 }, (_, i) => line(i, i === 7 || i === 31));
    await spool.append(lines);
    start(influx, { batchLines: 40 }, dead);
    await drained();
    const good = lines.filter((l) => !l.includes('BAD'));
    expect([...influx.stored.keys()].sort()).toEqual([...good].sort());
    expect([...influx.stored.values()].every((c) => c === 1)).toBe(true);
    expect(dead.lines.map((d) => d.line)).toEqual([line(7, true), line(31, true)]);
    expect(dead.lines[0]!.error).toMatchObject({ code: 'influx_rejected', message: expect.stringContaining('field type conflict') });
  });

  it('keeps and retries a batch refused for credentials or a missing database (no line is to blame)', async () => {
    let fixed = false;
    const influx = fakeInflux(() => (fixed ? undefined : new InfluxWriteError('404', 'config', 404, '{"error":"database not found"}')));
    const dead = fakeDeadLetters();
    await spool.append([line(1), line(2)]);
    const d = start(influx, {}, dead);
    await vi.waitFor(() => expect(influx.ensureDatabase).toHaveBeenCalled(), { timeout: 5000, interval: 5 });
    expect(d.status().lastError?.kind).toBe('config');
    fixed = true;
    await drained();
    expect(influx.writes).toEqual([[line(1), line(2)]]);
    expect(dead.lines).toEqual([]);
  });

  it('a 400 to every line (a proxy, a setting) blames no line: the batch is kept and retried with backoff, none dead-lettered', async () => {
    let fixed = false;
    const influx = fakeInflux(() =>
      fixed ? undefined : new InfluxWriteError('InfluxDB answered 400: bad request', 'rejected', 400, '<html>400 Bad Request</html>'),
    );
    const dead = fakeDeadLetters();
    const lines = Array.from({ length: 6 }, (_, i) => line(i));
    await spool.append(lines);
    const d = start(influx, {}, dead);
    await vi.waitFor(() => expect(d.status().consecutiveFailures).toBeGreaterThan(1), { timeout: 5000, interval: 5 });
    expect(d.status()).toMatchObject({ failingSince: expect.any(Number), lastError: { kind: 'config', statusCode: 400 } });
    expect(dead.lines).toEqual([]);
    expect(spool.stats().backlogPoints).toBe(6); // the checkpoint has not moved
    fixed = true;
    await drained();
    expect([...influx.stored.keys()].sort()).toEqual([...lines].sort());
    expect(dead.lines).toEqual([]);
    expect(d.status()).toMatchObject({ consecutiveFailures: 0, failingSince: undefined });
  });

  it('a refused batch of one line is still dead-lettered (nothing tells it from bad data)', async () => {
    const influx = fakeInflux((l) =>
      l.some((x) => x.includes('BAD')) ? new InfluxWriteError('400', 'rejected', 400, 'unable to parse') : undefined,
    );
    const dead = fakeDeadLetters();
    await spool.append([line(1, true)]);
    start(influx, {}, dead);
    await drained();
    expect(dead.lines.map((x) => x.line)).toEqual([line(1, true)]);
  });

  it('advances the checkpoint past a dead-lettered line only after appendLine resolved (fsynced)', async () => {
    const influx = fakeInflux((l) =>
      l.some((x) => x.includes('BAD')) ? new InfluxWriteError('400', 'rejected', 400, 'field type conflict') : undefined,
    );
    let release: () => void = () => undefined;
    const written: string[] = [];
    const dead = {
      appendLine: (l: string) =>
        new Promise<void>((res) => {
          written.push(l);
          release = res;
        }),
    };
    await spool.append([line(1), line(2, true), line(3)]);
    start(influx, {}, dead);
    await vi.waitFor(() => expect(written).toEqual([line(2, true)]), { timeout: 5000, interval: 5 });
    expect(spool.checkpoint).toBe(0);
    release();
    await drained();
    expect([...influx.stored.keys()]).toEqual([line(1), line(3)]);
  });

  it('close() stops within its drain time when InfluxDB is down and leaves the data for the next start', async () => {
    const influx = fakeInflux(() => new InfluxWriteError('down', 'network'));
    await spool.append([line(1), line(2), line(3)]);
    const d = start(influx);
    await vi.waitFor(() => expect(d.status().consecutiveFailures).toBeGreaterThan(1), { timeout: 5000, interval: 5 });
    const left = await d.close(50);
    delivery = undefined;
    expect(left).toEqual({ backlogBytes: spool.committedEnd - spool.checkpoint, backlogPoints: 3 });
    // The next start delivers it.
    const up = fakeInflux();
    start(up);
    await drained();
    expect(up.writes.flat()).toEqual([line(1), line(2), line(3)]);
  });

  it('delivers what arrives while it waits for InfluxDB, each point once', async () => {
    let down = true;
    const influx = fakeInflux(() => (down ? new InfluxWriteError('down', 'network') : undefined));
    const d = start(influx, { batchLines: 7 });
    for (let i = 0; i < 50; i++) await spool.append([line(i)]);
    await vi.waitFor(() => expect(d.status().consecutiveFailures).toBeGreaterThan(1), { timeout: 5000, interval: 5 });
    down = false;
    await drained();
    // Two batches may be in flight, so the order of writes is not fixed (InfluxDB does not care).
    expect(influx.writes.flat().sort()).toEqual(Array.from({ length: 50 }, (_, i) => line(i)).sort());
  });
});
