import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadCatalogue, readingsTopic, type StorageCondition } from '../../core/index.js';
import { createIngest, InfluxWriteError, type InfluxClient, type Ingest, type SpoolStats } from '../../ingest/index.js';
import { StorageMonitor } from '../../ingest/storage-condition.js';
import { createVirtualTime, type VirtualTime } from '../helpers/virtual-time.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const log = createLogger({ level: 'silent' });

const stats = (over: Partial<SpoolStats> = {}): SpoolStats => ({
  backlogBytes: 0,
  backlogPoints: 0,
  diskBytes: 0,
  segments: 1,
  commits: 0,
  appendedPoints: 0,
  backpressure: 'none',
  slowingMs: 0,
  pausedMs: 0,
  cursors: [],
  ...over,
  heldBytes: over.heldBytes ?? over.backlogBytes ?? 0,
});

describe('storage condition (StorageMonitor)', () => {
  it('raises the backlog on the tick once undelivered data is older than INGEST_BACKLOG_ALERT_S, in virtual time', () => {
    const vt = createVirtualTime();
    const committedAt = vt.now();
    let current = stats({ backlogBytes: 500, backlogPoints: 5, oldestUndeliveredAt: committedAt });
    const monitor = new StorageMonitor({
      spool: { stats: () => current },
      budgetBytes: 10_000,
      backlogAlertMs: 60_000,
      log,
      clock: vt.clock,
      scheduler: vt.scheduler,
    });
    const seen: StorageCondition[] = [];
    const sub = monitor.storage$.subscribe((c) => seen.push(c));
    expect(seen.at(-1)).toMatchObject({ backlog: false, spoolBytes: 500 });
    vt.advanceBy(60_000);
    expect(seen.at(-1)!.backlog).toBe(false); // exactly the limit: not older than it yet
    vt.advanceBy(250); // the next tick
    expect(seen.at(-1)).toMatchObject({
      backlog: true,
      spoolBytes: 500,
      budgetBytes: 10_000,
      backpressure: 'none',
      since: committedAt + 60_250,
    });
    // Delivered: the next tick clears it.
    current = stats();
    vt.advanceBy(250);
    expect(seen.at(-1)).toEqual({ backlog: false, spoolBytes: 0, budgetBytes: 10_000, backpressure: 'none' });
    sub.unsubscribe();
    monitor.close();
  });

  it('pushes a level change at once, and bytes alone at most once a second', () => {
    const vt = createVirtualTime();
    let current = stats();
    const monitor = new StorageMonitor({
      spool: { stats: () => current },
      budgetBytes: 10_000,
      backlogAlertMs: 60_000,
      log,
      clock: vt.clock,
      scheduler: vt.scheduler,
    });
    const seen: StorageCondition[] = [];
    monitor.storage$.subscribe((c) => seen.push(c));
    current = stats({ backlogBytes: 6000, backpressure: 'slowing', oldestUndeliveredAt: vt.now() });
    monitor.evaluate(); // what the spool's onBackpressure does
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ backlog: true, backpressure: 'slowing', since: vt.now() });
    const bytesAt = (ms: number) => {
      current = { ...current, backlogBytes: current.backlogBytes + 1, heldBytes: current.heldBytes + 1 };
      vt.advanceBy(ms);
    };
    for (let i = 0; i < 3; i++) bytesAt(250);
    expect(seen).toHaveLength(2); // 750 ms since the last emission
    bytesAt(250);
    expect(seen).toHaveLength(3);
    monitor.close();
  });
});

describe('ingest: the storage tick in virtual time', () => {
  let dataDir: string | undefined;
  let ingest: Ingest | undefined;
  let vt: VirtualTime | undefined;
  afterEach(async () => {
    if (ingest) await closeIn(vt!, ingest);
    ingest = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** close() waits for delivery's drain time on the scheduler: let virtual time run meanwhile. */
  async function closeIn(time: VirtualTime, target: Ingest): Promise<void> {
    let closed = false;
    const closing = target.close().then(() => (closed = true));
    for (let i = 0; i < 1000 && !closed; i++) {
      time.advanceBy(50);
      await new Promise((r) => setImmediate(r));
    }
    await closing;
  }

  it('backlog older than INGEST_BACKLOG_ALERT_S raises the storage condition after the tick', async () => {
    vt = createVirtualTime();
    const catalogue = await loadCatalogue(SEED);
    const station = catalogue.stations[0]!;
    const p = station.parameters[0]!;
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-storage-'));
    const influx: InfluxClient = {
      target: { api: 'v1', url: 'http://influx.invalid', db: 'x' },
      write: () => Promise.reject(new InfluxWriteError('down', 'network')),
      query: async () => [],
      ensureDatabase: async () => undefined,
    };
    ingest = await createIngest({
      catalogue,
      influx,
      log,
      window: { maxAgeMs: 86_400_000, maxAheadMs: 300_000 },
      dataDir,
      settings: {
        backlogAlertMs: 60_000,
        delivery: { batchLines: 10, batchBytes: 1024 * 1024, flushMs: 10, retryMaxMs: 1000, drainMs: 100 },
      },
      scheduler: vt.scheduler,
    });
    const seen: StorageCondition[] = [];
    ingest.storage$.subscribe((c) => seen.push(c));
    const payload = Buffer.from(
      JSON.stringify({ station: station.id, ts: vt.now(), readings: [{ parameter: p.parameter, value: 1, unit: p.unit }] }),
    );
    await expect(ingest.admit({ topic: readingsTopic(station.id), payload })).resolves.toEqual({ accepted: 1, rejected: 0 });
    const durableAt = vt.now();
    vt.advanceBy(59_000);
    expect(seen.some((c) => c.backlog)).toBe(false);
    expect(ingest.health().spool.backlogPoints).toBe(1);
    vt.advanceBy(1250); // past the limit, then the next tick
    expect(seen.at(-1)).toMatchObject({ backlog: true, backpressure: 'none', since: expect.any(Number) });
    expect(seen.at(-1)!.since! - durableAt).toBeGreaterThan(60_000);
    expect(ingest.health().storage.backlog).toBe(true);
  });
});
