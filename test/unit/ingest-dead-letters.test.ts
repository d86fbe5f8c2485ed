import { mkdtemp, open, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/index.js';
import {
  createDeadLetterStore,
  createSeqTracker,
  listDeadLetters,
  parseSince,
  type DeadLetter,
  type DeadLetterStore,
} from '../../ingest/index.js';

const log = createLogger({ level: 'silent' });
let dir: string;
let store: DeadLetterStore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-dl-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

const all = async (query: { since?: number; station?: string } = {}): Promise<DeadLetter[]> => {
  const out: DeadLetter[] = [];
  for await (const r of listDeadLetters({ dir, ...query })) out.push(r);
  return out;
};
const error = { path: 'readings[0].unit', code: 'unit_mismatch', message: 'COD is measured in mg/L, got "ppm"' };

describe('dead-letter store', () => {
  it('keeps the raw message (UTF-8 as text, anything else as base64) with topic, client, time, codes and messages', async () => {
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 1024 * 1024, log });
    const t = Date.parse('2026-11-27T01:15:00.120Z');
    await store.appendMessage({
      topic: 'stations/A-1/readings',
      station: 'A-1',
      clientId: 'gw-1',
      payload: Buffer.from('{"x":"Nồng độ"}'),
      seq: 4,
      accepted: 1,
      rejected: 1,
      errors: [error],
      receivedAt: t,
    });
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    await store.appendMessage({
      topic: 'stations/B-2/readings',
      station: 'B-2',
      payload: binary,
      accepted: 0,
      rejected: 1,
      errors: [{ path: '', code: 'not_utf8', message: 'payload is not valid UTF-8' }],
      receivedAt: t + 1,
    });
    const records = await all();
    expect(records).toEqual([
      {
        kind: 'message',
        receivedAt: '2026-11-27T01:15:00.120Z',
        topic: 'stations/A-1/readings',
        station: 'A-1',
        clientId: 'gw-1',
        seq: 4,
        accepted: 1,
        rejected: 1,
        payload: '{"x":"Nồng độ"}',
        payloadBytes: Buffer.byteLength('{"x":"Nồng độ"}'),
        codes: ['unit_mismatch'],
        errors: [error],
      },
      expect.objectContaining({ station: 'B-2', payloadBase64: binary.toString('base64'), codes: ['not_utf8'] }),
    ]);
    expect(Buffer.from(records[1]!.payloadBase64!, 'base64')).toEqual(binary);
  });

  it('stores a line InfluxDB refused, with the station read from its tags', async () => {
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 1024 * 1024, log });
    await store.appendLine('reading,parameter=COD,station=BN\\ X\\,1,status=00,zone=Z value="x" 1', {
      path: '',
      code: 'influx_rejected',
      message: 'InfluxDB answered 400: field type conflict',
    });
    expect(await all({ station: 'BN X,1' })).toEqual([
      expect.objectContaining({ kind: 'line', station: 'BN X,1', codes: ['influx_rejected'] }),
    ]);
  });

  it('a refused line is fsynced before appendLine resolves (the checkpoint moves past it right after)', async () => {
    // Every fdatasync of a file handle, seen through FileHandle's prototype.
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const syncs: string[] = [];
    const real = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: unknown) {
      syncs.push('datasync');
      return real.call(this);
    });
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 1024 * 1024, log });
    await store.appendMessage({
      topic: 'quantrac/v1/Z/S1/readings',
      station: 'S1',
      payload: Buffer.from('{}'),
      accepted: 0,
      rejected: 1,
      errors: [error],
      receivedAt: Date.now(),
    });
    expect(syncs).toEqual([]); // a rejected message waits for the 1 s timer (diagnosis only)
    await store.appendLine('reading,parameter=COD,station=S1,status=00,zone=Z value=1 1', {
      path: '',
      code: 'influx_rejected',
      message: 'InfluxDB answered 400',
    });
    expect(syncs).toEqual(['datasync']);
    expect(await all()).toHaveLength(2);
  });

  it('lists by station and by --since, and skips a damaged line', async () => {
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 1024 * 1024, log });
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) {
      await store.appendMessage({
        topic: `stations/S-${i % 2}/readings`,
        station: `S-${i % 2}`,
        payload: Buffer.from(`{"i":${i}}`),
        accepted: 0,
        rejected: 1,
        errors: [error],
        receivedAt: t0 - (5 - i) * 3_600_000,
      });
    }
    await store.close();
    store = undefined;
    const [file] = await readdir(dir);
    await writeFile(join(dir, file!), '{"broken": \n', { flag: 'a' });
    expect(await all()).toHaveLength(6);
    expect((await all({ station: 'S-1' })).map((r) => r.payload)).toEqual(['{"i":1}', '{"i":3}', '{"i":5}']);
    expect((await all({ since: t0 - 2.5 * 3_600_000 })).map((r) => r.payload)).toEqual(['{"i":3}', '{"i":4}', '{"i":5}']);
  });

  it('keeps at most 256 KiB of a payload and says how big it was', async () => {
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 64 * 1024 * 1024, log });
    await store.appendMessage({
      topic: 't',
      station: 'S',
      payload: Buffer.alloc(300 * 1024, 0x61),
      accepted: 0,
      rejected: 1,
      errors: [{ path: '', code: 'too_large', message: 'x' }],
      receivedAt: Date.now(),
    });
    const [r] = await all();
    expect(r).toMatchObject({ payloadBytes: 300 * 1024, truncated: true });
    expect(r!.payload).toHaveLength(256 * 1024);
  });

  it('retention removes files past the age limit, then the oldest beyond the size limit', async () => {
    const now = Date.now();
    // Three sealed files from earlier days: 100 days old, 10 days old, 1 day old.
    for (const ageDays of [100, 10, 1]) {
      const start = now - ageDays * 86_400_000;
      const path = join(dir, `${String(start).padStart(13, '0')}.jsonl`);
      await writeFile(
        path,
        `${JSON.stringify({ kind: 'message', receivedAt: new Date(start).toISOString(), codes: ['not_json'], errors: [], payload: 'x'.repeat(40_000) })}\n`,
      );
      await utimes(path, new Date(start), new Date(start));
    }
    store = await createDeadLetterStore({ dir, maxAgeDays: 90, maxBytes: 70_000, log });
    const files = (await readdir(dir)).sort();
    // The 100-day file is past the age; the 10-day one goes for the size (80 KB > 70 KB).
    expect(files).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, files[0]!), 'utf8')).receivedAt).toBe(new Date(now - 86_400_000).toISOString());
  });
});

describe('parseSince', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it.each([
    ['24h', now - 86_400_000],
    ['7d', now - 7 * 86_400_000],
    ['90m', now - 90 * 60_000],
    ['2026-11-27T08:00:00+07:00', Date.parse('2026-11-27T01:00:00Z')],
    ['2026-11-20', Date.parse('2026-11-20T00:00:00Z')],
    ['yesterday', undefined],
  ])('%s', (text, expected) => expect(parseSince(text, now)).toBe(expected));
});

describe('seq tracker', () => {
  it('counts gaps, duplicates, late arrivals and restarts per station', () => {
    const t = createSeqTracker();
    const seen = (station: string, seqs: number[]) => seqs.map((s) => t.observe(station, s));
    expect(seen('A', [1, 2, 3]).map((o) => o.outcome)).toEqual(['first', 'next', 'next']);
    expect(t.observe('A', 7)).toEqual({ outcome: 'gap', missing: 3 });
    expect(t.observe('A', 7)).toEqual({ outcome: 'duplicate', missing: 0 });
    expect(t.observe('A', 2)).toEqual({ outcome: 'duplicate', missing: 0 });
    expect(t.observe('A', 5)).toEqual({ outcome: 'late', missing: 0 });
    expect(t.observe('A', 5)).toEqual({ outcome: 'duplicate', missing: 0 });
    expect(t.observe('B', 100).outcome).toBe('first'); // stations are independent
    expect(t.observe('A', 5000)).toEqual({ outcome: 'gap', missing: 4992 });
    expect(t.observe('A', 3).outcome).toBe('reset'); // far behind: the gateway restarted its count
    expect(t.observe('A', 4).outcome).toBe('next');
  });
});
