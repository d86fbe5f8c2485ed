import { readdir, readFile, rm, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type StorageCondition } from '../../core/index.js';
import { createIngestMetrics, createSpool, type Spool, type SpoolOptions } from '../../ingest/index.js';
import { StorageMonitor } from '../../ingest/storage-condition.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const log = createLogger({ level: 'silent' });
let dir: string;
const open: Spool[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-cursors-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function spool(options: Partial<SpoolOptions> = {}): Promise<Spool> {
  const s = await createSpool({
    dir,
    budgetBytes: 1024 * 1024,
    highWaterBytes: 512 * 1024,
    segmentBytes: 1024,
    maxSlowdownMs: 0,
    log,
    ...options,
  });
  open.push(s);
  return s;
}
async function reopen(s: Spool, options: Partial<SpoolOptions> = {}): Promise<Spool> {
  await s.close();
  open.splice(open.indexOf(s), 1);
  return spool(options);
}
const line = (i: number): string => `reading,parameter=COD,station=S${i % 7},status=00,zone=Z value=${i} ${1_700_000_000_000 + i}`;
const segmentFiles = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith('.lp')).sort();
/** Appends `n` lines, one commit each, so they spread over several 1 KiB segments. */
async function fill(s: Spool, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) await s.append([line(i)]);
}

describe('spool: named cursors (one durable log, many cursors)', () => {
  it('a new cursor starts at the committed end and reads only what comes after', async () => {
    const s = await spool();
    await fill(s, 5);
    const c = await s.openCursor('upstream');
    expect(c.position).toBe(s.committedEnd);
    expect(c.backlog()).toEqual({ bytes: 0, points: 0 });
    await fill(s, 2, 5);
    const r = await c.read(c.position, 10_000, 100);
    expect(r.data.toString().split('\n').filter(Boolean)).toEqual([line(5), line(6)]);
    expect(r.lines).toBe(2);
    expect(c.backlog()).toMatchObject({ bytes: r.end - c.position, points: 2, oldestAt: expect.any(Number) });
    await c.advance(r.end, r.lines);
    expect(c.backlog()).toEqual({ bytes: 0, points: 0 });
    expect(await s.openCursor('upstream')).toBe(c);
  });

  it('refuses names that are not a cursor name, and the delivery checkpoint name', async () => {
    const s = await spool();
    for (const bad of ['', 'Upstream', '../x', '1up', 'a'.repeat(33), 'influxdb', 'up stream']) {
      await expect(s.openCursor(bad)).rejects.toMatchObject({ code: 'ERR_CURSOR_NAME' });
    }
    expect((await readdir(dir)).filter((f) => f.startsWith('cursor-'))).toEqual([]);
  });

  it('keeps segments until both the checkpoint and the cursor passed them, in either order', async () => {
    const s = await spool();
    const c = await s.openCursor('upstream');
    await fill(s, 60);
    const all = await segmentFiles();
    expect(all.length).toBeGreaterThan(3);
    await s.advance(s.committedEnd, 60);
    expect(await segmentFiles()).toEqual(all); // the cursor still needs them
    const half = (await s.read(c.position, 2000, 30)).end;
    await c.advance(half, 30);
    const kept = await segmentFiles();
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.length).toBeGreaterThan(1);
    await c.advance(s.committedEnd, 30);
    expect((await segmentFiles()).length).toBe(1); // only the active one

    // The other order: the cursor first, then delivery.
    await fill(s, 60, 60);
    const before = await segmentFiles();
    await c.advance(s.committedEnd, 60);
    expect(await segmentFiles()).toEqual(before);
    await s.advance(s.committedEnd, 60);
    expect((await segmentFiles()).length).toBe(1);
  });

  it('refuses to advance past the committed end, and keeps the position', async () => {
    const s = await spool();
    const c = await s.openCursor('upstream');
    await fill(s, 3);
    const end = s.committedEnd;
    await expect(c.advance(end + 1, 1)).rejects.toMatchObject({ code: 'ERR_CURSOR_RANGE' });
    await expect(c.advance(Number.NaN, 1)).rejects.toMatchObject({ code: 'ERR_CURSOR_RANGE' });
    expect(c.position).toBe(0);
    await c.advance(end, 3);
    expect(c.position).toBe(end);
    await c.advance(1, 0); // backwards: nothing
    expect(c.position).toBe(end);
  });

  it('the budget counts from the slowest consumer: a lagging cursor holds gated appends until it advances', async () => {
    const s = await spool({ budgetBytes: 2000, highWaterBytes: 1000, segmentBytes: 64 * 1024 });
    const c = await s.openCursor('upstream');
    await fill(s, 30);
    await s.advance(s.committedEnd, 30); // InfluxDB has everything
    expect(s.stats()).toMatchObject({ backlogBytes: 0, backlogPoints: 0 });
    expect(s.stats().heldBytes).toBe(s.committedEnd);
    expect(s.stats().heldBytes).toBeGreaterThan(2000);
    let done = false;
    const gated = s.appendText(`${line(99)}\n`, 1, true).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    expect(s.stats().backpressure).toBe('paused');
    await c.advance(s.committedEnd, 30);
    await gated;
    expect(done).toBe(true);
    expect(s.stats().backpressure).not.toBe('paused');
    expect(c.backlog().points).toBe(1);
  });

  it('a restart resumes each cursor at its stored position, with its backlog counted, and keeps what it needs', async () => {
    let s = await spool();
    const up = await s.openCursor('upstream');
    await s.openCursor('archive');
    await fill(s, 40);
    const mid = (await s.read(0, 10_000, 10)).end;
    await up.advance(mid, 10);
    await s.advance(s.committedEnd, 40);
    const end = s.committedEnd;
    s = await reopen(s);
    const up2 = await s.openCursor('upstream');
    const other2 = await s.openCursor('archive');
    expect(up2.position).toBe(mid);
    expect(other2.position).toBe(0);
    expect(up2.backlog()).toMatchObject({ bytes: end - mid, points: 30 });
    expect(other2.backlog()).toMatchObject({ bytes: end, points: 40 });
    const r = await other2.read(0, 100_000, 1000);
    expect(r.data.toString().split('\n').filter(Boolean)[0]).toBe(line(0));
    expect(s.checkpoint).toBe(end);
    expect(
      s
        .stats()
        .cursors.map((x) => x.name)
        .sort(),
    ).toEqual(['archive', 'upstream']);
  });

  it('dropCursor deletes its file and frees its segments; opened again, it starts at the end', async () => {
    let s = await spool();
    const c = await s.openCursor('upstream');
    await fill(s, 60);
    await s.advance(s.committedEnd, 60);
    expect((await segmentFiles()).length).toBeGreaterThan(3);
    await s.dropCursor('upstream');
    expect((await segmentFiles()).length).toBe(1);
    expect((await readdir(dir)).filter((f) => f.startsWith('cursor-'))).toEqual([]);
    await expect(c.advance(s.committedEnd, 1)).rejects.toMatchObject({ code: 'ERR_CURSOR_DROPPED' });
    await s.dropCursor('upstream'); // none: nothing
    await fill(s, 5, 60);
    s = await reopen(s);
    const again = await s.openCursor('upstream');
    expect(again.position).toBe(s.committedEnd);
  });

  it('a cursor pins segments across a restart even when not opened, until dropped', async () => {
    let s = await spool();
    await s.openCursor('upstream');
    await fill(s, 60);
    await s.advance(s.committedEnd, 60);
    const files = await segmentFiles();
    s = await reopen(s);
    expect((await segmentFiles()).length).toBeGreaterThanOrEqual(files.length - 1);
    expect(s.stats().cursors).toMatchObject([{ name: 'upstream', position: 0, backlogPoints: 60 }]);
    await s.dropCursor('upstream');
    expect((await segmentFiles()).length).toBe(1);
  });

  it('a damaged cursor file is not silently lost: it resumes from the oldest data kept, loudly', async () => {
    let s = await spool();
    const c = await s.openCursor('upstream');
    await fill(s, 20);
    await c.advance((await s.read(0, 10_000, 5)).end, 5);
    const warn = vi.fn();
    const spyLog = { ...log, warn, child: () => spyLog } as unknown as typeof log;
    await s.close();
    open.splice(open.indexOf(s), 1);
    await writeFile(join(dir, 'cursor-upstream.json'), '{"offs');
    s = await spool({ log: spyLog });
    const again = await s.openCursor('upstream');
    expect(again.position).toBe(0);
    expect(again.backlog().points).toBe(20);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ cursor: 'upstream' }), expect.stringContaining('damaged'));
    let lines = 0;
    for (let pos = 0; pos < s.committedEnd;) {
      const r = await again.read(pos, 100_000, 1000);
      lines += r.lines;
      pos = r.end;
    }
    expect(lines).toBe(20);
    await again.advance(s.committedEnd, 20);
    expect(JSON.parse(await readFile(join(dir, 'cursor-upstream.json'), 'utf8'))).toMatchObject({ offset: s.committedEnd });
  });

  it('comment lines (#seq) travel with their readings but are not points', async () => {
    let s = await spool({ segmentBytes: 64 * 1024 });
    const c = await s.openCursor('upstream');
    const msg = (seq: number, a: number): string => `#seq S1 ${seq}\n${line(a)}\n${line(a + 1)}\n`;
    await s.appendText(msg(1, 0), 2, true);
    await s.appendText(msg(2, 2), 2, true);
    expect(s.stats().backlogPoints).toBe(4);
    expect(c.backlog().points).toBe(4);
    const all = await c.read(0, 100_000, 1000);
    expect(all.lines).toBe(4);
    expect(all.data.toString()).toBe(msg(1, 0) + msg(2, 2));
    // A read cut by lines ends after a reading, never on the next message's comment.
    const first = await c.read(0, 100_000, 2);
    expect(first).toMatchObject({ lines: 2 });
    expect(first.data.toString()).toBe(msg(1, 0));
    // Cut by bytes just past the second comment: the comment is left for the next read.
    const second = await c.read(0, msg(1, 0).length + 10, 1000);
    expect(second.data.toString()).toBe(msg(1, 0));
    await c.advance(first.end, first.lines);
    expect(c.backlog().points).toBe(2);
    s = await reopen(s, { segmentBytes: 64 * 1024 });
    expect(s.stats().backlogPoints).toBe(4); // counted again from the files: comments are not points
    expect((await s.openCursor('upstream')).backlog().points).toBe(2);
  });

  it('raises the storage condition when a cursor lags past the alert age, naming it, in virtual time', async () => {
    const vt = createVirtualTime();
    const s = await spool({ clock: vt.clock });
    const c = await s.openCursor('upstream');
    await fill(s, 3);
    await s.advance(s.committedEnd, 3);
    const monitor = new StorageMonitor({
      spool: s,
      budgetBytes: 1024 * 1024,
      backlogAlertMs: 60_000,
      log,
      clock: vt.clock,
      scheduler: vt.scheduler,
    });
    const seen: StorageCondition[] = [];
    monitor.storage$.subscribe((x) => seen.push(x));
    vt.advanceBy(59_000);
    expect(seen.at(-1)!.backlog).toBe(false);
    expect(seen.at(-1)!.spoolBytes).toBe(s.committedEnd); // held for the cursor, though delivered
    vt.advanceBy(1250);
    expect(seen.at(-1)).toMatchObject({ backlog: true, lagging: ['upstream'], backpressure: 'none' });
    await c.advance(s.committedEnd, 3);
    monitor.evaluate();
    expect(seen.at(-1)!.backlog).toBe(false);
    expect(seen.at(-1)!.lagging).toBeUndefined();
    monitor.close();
  });

  it('exports each consumer’s backlog bytes and lag on /metrics', async () => {
    const vt = createVirtualTime();
    const s = await spool({ clock: vt.clock });
    const registry = new Registry();
    createIngestMetrics(registry, () => s.stats(), vt.clock);
    const c = await s.openCursor('upstream');
    await fill(s, 2);
    vt.advanceBy(30_000);
    let text = await registry.metrics();
    expect(text).toContain(`quantrac_spool_cursor_backlog_bytes{cursor="upstream"} ${s.committedEnd}`);
    expect(text).toContain(`quantrac_spool_cursor_backlog_bytes{cursor="influxdb"} ${s.committedEnd}`);
    expect(text).toContain('quantrac_spool_cursor_lag_seconds{cursor="upstream"} 30');
    await c.advance(s.committedEnd, 2);
    await s.dropCursor('upstream');
    text = await registry.metrics();
    expect(text).not.toContain('cursor="upstream"');
    expect(text).toContain('quantrac_spool_cursor_lag_seconds{cursor="influxdb"} 30');
  });
});
