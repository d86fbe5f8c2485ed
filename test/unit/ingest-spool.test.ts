import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/index.js';
import { createSpool, type Spool, type SpoolOptions } from '../../ingest/index.js';

const log = createLogger({ level: 'silent' });
let dir: string;
const open: Spool[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-spool-'));
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
    segmentBytes: 64 * 1024,
    maxSlowdownMs: 500,
    log,
    ...options,
  });
  open.push(s);
  return s;
}
const line = (i: number): string => `reading,parameter=COD,station=S${i % 7},status=00,zone=Z value=${i} ${1_700_000_000_000 + i}`;
const segmentFiles = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith('.lp')).sort();
async function readAll(s: Spool, from = s.checkpoint): Promise<string[]> {
  const out: string[] = [];
  for (let pos = from; pos < s.committedEnd;) {
    const r = await s.read(pos, 10_000, 1000);
    out.push(...r.data.toString('utf8').split('\n').filter(Boolean));
    pos = r.end;
  }
  return out;
}

describe('spool: group commit', () => {
  it('appends made in one turn of the event loop share one write and one fdatasync', async () => {
    const commits: number[] = [];
    const s = await spool({ onCommit: (sec) => commits.push(sec) });
    const appends = Array.from({ length: 200 }, (_, i) => s.append([line(i)]));
    await Promise.all(appends);
    expect(commits).toHaveLength(1);
    expect(s.stats().commits).toBe(1);
    expect(s.stats().backlogPoints).toBe(200);
    expect(await readAll(s)).toEqual(Array.from({ length: 200 }, (_, i) => line(i)));
  });

  it('appends arriving while a commit is in progress go together into the next one', async () => {
    const commits: number[] = [];
    const s = await spool({ onCommit: (sec) => commits.push(sec) });
    const first = s.append([line(0)]);
    // Wait until the first commit has started (its setImmediate ran), then add a wave.
    await new Promise((r) => setImmediate(r));
    const wave = Array.from({ length: 50 }, (_, i) => s.append([line(i + 1)]));
    await Promise.all([first, ...wave]);
    expect(commits.length).toBe(2);
    expect(s.stats().appendedPoints).toBe(51);
  });

  it('resolves an append only after its data is in the file (durable), with whole lines', async () => {
    const s = await spool();
    await s.appendText(`${line(1)}\n${line(2)}\n`, 2, true);
    const [file] = await segmentFiles();
    expect(await readFile(join(dir, file!), 'utf8')).toBe(`${line(1)}\n${line(2)}\n`);
  });
});

describe('spool: reading, checkpoint and recovery', () => {
  it('reads batches cut at line boundaries by lines and bytes', async () => {
    const s = await spool();
    await s.append(Array.from({ length: 100 }, (_, i) => line(i)));
    const byLines = await s.read(s.checkpoint, 1_000_000, 10);
    expect(byLines.lines).toBe(10);
    expect(byLines.data.toString().split('\n').filter(Boolean)).toEqual(Array.from({ length: 10 }, (_, i) => line(i)));
    const byBytes = await s.read(s.checkpoint, 200, 1000);
    expect(byBytes.data.length).toBeLessThanOrEqual(200);
    expect(byBytes.data.at(-1)).toBe(0x0a);
    expect(byBytes.lines).toBe(byBytes.data.toString().split('\n').filter(Boolean).length);
  });

  it('a restart replays exactly what is past the checkpoint', async () => {
    let s = await spool();
    await s.append(Array.from({ length: 30 }, (_, i) => line(i)));
    const batch = await s.read(s.checkpoint, 1_000_000, 12);
    await s.advance(batch.end, batch.lines);
    await s.close();
    open.length = 0;
    s = await spool();
    expect(s.stats().backlogPoints).toBe(18);
    expect(await readAll(s)).toEqual(Array.from({ length: 18 }, (_, i) => line(i + 12)));
  });

  it('cuts a torn last line (a crash mid-write, never acknowledged) at start', async () => {
    let s = await spool();
    await s.append([line(1), line(2)]);
    const [file] = await segmentFiles();
    // Simulate the crash: close without the torn bytes being acknowledged, then damage the tail.
    await s.close();
    open.length = 0;
    await appendFile(join(dir, file!), 'reading,parameter=COD,station=S1,sta');
    s = await spool();
    expect(await readAll(s)).toEqual([line(1), line(2)]);
    await s.append([line(3)]);
    expect(await readAll(s)).toEqual([line(1), line(2), line(3)]);
  });

  it('cuts NUL bytes a power cut can leave at the end of a file', async () => {
    let s = await spool();
    await s.append([line(1)]);
    const [file] = await segmentFiles();
    await s.close();
    open.length = 0;
    await appendFile(join(dir, file!), Buffer.concat([Buffer.from(`${line(2)}\n`), Buffer.alloc(64), Buffer.from('\n')]));
    s = await spool();
    expect(await readAll(s)).toEqual([line(1), line(2)]);
  });

  it('keeps whole lines after a NUL in the middle of the last segment: only a NUL run reaching the end is torn', async () => {
    let s = await spool();
    // An older release wrote an acknowledge note unfiltered: a NUL inside a line, readings after it.
    const noted = 'alert_event,station=S1 note="a\u0000b" 1700000000000';
    await s.append([line(1), noted, line(2), line(3)]);
    const [file] = await segmentFiles();
    await s.close();
    open.length = 0;
    s = await spool();
    const replayed = await readAll(s);
    expect(replayed.filter((l) => l.startsWith('reading,'))).toEqual([line(1), line(2), line(3)]);
    expect(replayed).toEqual([line(1), noted, line(2), line(3)]);
    // A torn tail after them is still cut, with the line its NUL run began in.
    await s.close();
    open.length = 0;
    await appendFile(
      join(dir, file!),
      Buffer.concat([Buffer.from('reading,parameter=COD,sta'), Buffer.alloc(4096), Buffer.from('\n'), Buffer.alloc(100)]),
    );
    s = await spool();
    expect(await readAll(s)).toEqual([line(1), noted, line(2), line(3)]);
  });

  it('a damaged checkpoint replays everything (safe: points are idempotent)', async () => {
    let s = await spool();
    await s.append([line(1), line(2)]);
    const r = await s.read(s.checkpoint, 1000, 1);
    await s.advance(r.end, r.lines);
    await s.close();
    open.length = 0;
    await appendFile(join(dir, 'checkpoint.json'), 'garbage');
    s = await spool();
    expect(await readAll(s)).toEqual([line(1), line(2)]);
  });

  it('seals segments at the size limit and removes them once delivered', async () => {
    const s = await spool({ segmentBytes: 4096 });
    for (let i = 0; i < 40; i++) await s.append(Array.from({ length: 10 }, (_, j) => line(i * 10 + j)));
    expect((await segmentFiles()).length).toBeGreaterThan(5);
    expect(await readAll(s)).toHaveLength(400);
    let pos = s.checkpoint;
    while (pos < s.committedEnd) {
      const r = await s.read(pos, 3000, 1000);
      await s.advance(r.end, r.lines);
      pos = r.end;
    }
    expect((await segmentFiles()).length).toBe(1); // only the active one remains
    expect(s.stats().backlogBytes).toBe(0);
    expect(s.stats().backlogPoints).toBe(0);
  });

  it('refuses a second spool on the same directory', async () => {
    await spool();
    await expect(createSpool({ dir, budgetBytes: 1e6, highWaterBytes: 5e5, segmentBytes: 65536, maxSlowdownMs: 0, log })).rejects.toThrow(
      /in use|held/,
    );
  });
});

describe('spool: budget and backpressure', () => {
  it('slows past the high-water mark, pauses gated appends at the budget, and lets them in as room returns', async () => {
    const s = await spool({ budgetBytes: 10_000, highWaterBytes: 5_000 });
    const chunk = (i: number): string => `${line(i)}\n`.repeat(30); // ~2 KB
    for (let i = 0; i < 3; i++) await s.appendText(chunk(i), 30, true);
    expect(s.stats().backpressure).toBe('slowing');
    expect(s.slowdownMs()).toBeGreaterThan(0);
    await s.appendText(chunk(3), 30, true);
    let resolved = false;
    const held = s.appendText(chunk(4), 30, true).then(() => {
      resolved = true;
    });
    const held2 = s.appendText(chunk(5), 30, true);
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toBe(false);
    expect(s.stats().backpressure).toBe('paused');
    // The centre's own lines (alert events) are never held back.
    await s.append([line(99)]);
    // Deliver some: room returns, the held appends go in, in order.
    const r = await s.read(s.checkpoint, 6000, 10_000);
    await s.advance(r.end, r.lines);
    await Promise.all([held, held2]);
    expect(resolved).toBe(true);
    expect(s.stats().backpressure).not.toBe('paused');
    const all = await readAll(s);
    expect(all.at(-1)).toBe(line(5));
    expect(all.at(-61)).toBe(line(99)); // before the two held chunks of 30
  });

  it('lets held appends in even when removing a delivered segment fails after the checkpoint was written', async () => {
    const s = await spool({ budgetBytes: 10_000, highWaterBytes: 5_000, segmentBytes: 4096 });
    const chunk = (i: number): string => `${line(i)}\n`.repeat(30); // ~2 KB: one segment each
    for (let i = 0; i < 4; i++) await s.appendText(chunk(i), 30, true);
    const held = s.appendText(chunk(4), 30, true);
    held.catch(() => undefined); // awaited below; a failure must not also surface as unhandled
    await vi.waitFor(() => expect(s.stats().backpressure).toBe('paused'), { timeout: 5000, interval: 5 });
    // The first segment cannot be removed (a directory in its place: unlink fails with EISDIR).
    const [first] = await segmentFiles();
    const r = await s.read(s.checkpoint, 100_000, 10_000);
    await unlink(join(dir, first!));
    await mkdir(join(dir, first!));
    await expect(s.advance(r.end, r.lines)).resolves.toEqual(expect.any(Array));
    expect(s.checkpoint).toBe(r.end);
    await held;
    expect(s.stats().backpressure).not.toBe('paused');
  });

  it('an empty spool takes a message larger than the whole budget (nothing waits forever)', async () => {
    const s = await spool({ budgetBytes: 100, highWaterBytes: 50 });
    await s.appendText(`${line(1)}\n${line(2)}\n${line(3)}\n`, 3, true);
    expect(s.stats().backlogPoints).toBe(3);
  });

  it('closing rejects the appends still waiting for room (not acknowledged, so the gateway resends)', async () => {
    const s = await spool({ budgetBytes: 200, highWaterBytes: 100 });
    await s.appendText(`${line(1)}\n${line(2)}\n`, 2, true);
    const held = s.appendText(`${line(3)}\n${line(4)}\n`, 2, true).then(
      () => 'stored',
      (err: Error) => err.message,
    );
    await s.close();
    open.length = 0;
    expect(await held).toMatch(/closing/);
  });
});
