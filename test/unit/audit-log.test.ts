import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog, type AuditLogHandle, type AuditRecord } from '../../audit/index.js';
import { createLogger, type AuditEntry } from '../../core/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const log = createLogger({ level: 'silent' });
let root: string;
let dir: string;
const opened: AuditLogHandle[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'quantrac-audit-'));
  dir = join(root, 'audit');
});
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
  await rm(root, { recursive: true, force: true });
});

const T0 = Date.parse('2026-12-03T08:00:00Z');
const DAY = 86_400_000;

async function open(options: Partial<Parameters<typeof createAuditLog>[0]> = {}): Promise<AuditLogHandle> {
  const l = await createAuditLog({ dir, retentionDays: 400, log, clock: { now: () => T0 }, ...options });
  opened.push(l);
  return l;
}

/** Every line of every audit file, as text, in file-name order. */
async function lines(): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  const out: string[] = [];
  for (const n of names) {
    const text = await readFile(join(dir, n), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    out.push(...text.slice(0, -1).split('\n'));
  }
  return out;
}

const KINDS: AuditEntry[] = [
  { action: 'login', user: 'lan', address: '10.0.0.7', outcome: 'ok' },
  { action: 'login_failed', address: '10.0.0.8', target: 'admin', outcome: 'refused' },
  { action: 'logout', user: 'lan', address: '10.0.0.7', outcome: 'ok' },
  {
    action: 'user_add',
    user: 'admin',
    address: '10.0.0.1',
    target: 'minh',
    outcome: 'ok',
    detail: { role: 'viewer', scope: 'province:Bắc Ninh' },
  },
  { action: 'user_change', user: 'admin', address: '10.0.0.1', target: 'minh', outcome: 'ok', detail: { disabled: true } },
  { action: 'gateway_add', user: 'cli:root', address: 'cli', target: 'GW-1', outcome: 'ok', detail: { role: 'gateway', stations: 3 } },
  { action: 'gateway_change', user: 'cli:root', address: 'cli', target: 'GW-1', outcome: 'ok', detail: { rotated: true } },
  { action: 'alert_ack', user: 'lan', address: '10.0.0.7', target: 'a-123', outcome: 'ok' },
  { action: 'silence_add', user: 'lan', address: '10.0.0.7', target: 'BN-001', outcome: 'ok', detail: { minutes: 60 } },
  { action: 'silence_remove', user: 'lan', address: '10.0.0.7', target: 'BN-001', outcome: 'ok' },
  { action: 'export', user: 'lan', address: '10.0.0.7', target: 'BN-001', outcome: 'ok', detail: { rows: 1440 } },
  { action: 'scope_refused', user: 'minh', address: '10.0.0.9', target: 'HN-002', outcome: 'refused' },
];

describe('audit log: writing', () => {
  it('writes each kind of entry as exactly one line holding its fields and the time', async () => {
    const audit = await open();
    for (const [i, entry] of KINDS.entries()) {
      audit.record(entry);
      await audit.flush();
      const all = await lines();
      expect(all).toHaveLength(i + 1);
      expect(JSON.parse(all[i]!)).toEqual({ time: new Date(T0).toISOString(), ...entry });
    }
    expect((await readdir(dir)).sort()).toEqual(['audit-2026-12-03.jsonl']);
  });

  it('keeps the directory 0700 and the files 0600', async () => {
    const audit = await open();
    audit.record(KINDS[0]!);
    await audit.flush();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'audit-2026-12-03.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('names each file after the UTC day of its entries', async () => {
    let now = Date.parse('2026-12-03T23:59:59.999Z');
    const audit = await open({ clock: { now: () => now } });
    audit.record({ action: 'login', user: 'a' });
    now += 1;
    audit.record({ action: 'login', user: 'b' });
    await audit.flush();
    expect((await readdir(dir)).sort()).toEqual(['audit-2026-12-03.jsonl', 'audit-2026-12-04.jsonl']);
    expect(await readFile(join(dir, 'audit-2026-12-04.jsonl'), 'utf8')).toContain('"user":"b"');
  });

  it('survives a restart: a new log on the same directory reads the old entries and appends after them', async () => {
    const first = await open();
    first.record(KINDS[3]!);
    first.record(KINDS[4]!);
    await first.close();
    const second = await open();
    second.record(KINDS[0]!);
    await second.flush();
    const { entries } = await second.query({ order: 'oldest' });
    expect(entries.map((e) => e.action)).toEqual(['user_add', 'user_change', 'login']);
  });

  it('close() writes what is still queued; record() after close neither throws nor writes', async () => {
    const audit = await open();
    for (let i = 0; i < 50; i++) audit.record({ action: 'export', user: `u${i}` });
    await audit.close();
    expect(await lines()).toHaveLength(50);
    expect(() => audit.record({ action: 'login' })).not.toThrow();
    expect(await lines()).toHaveLength(50);
  });
});

describe('audit log: hostile text', () => {
  const MB = 'x'.repeat(1024 * 1024);
  const hostile: unknown[] = [
    { action: 'login_failed', target: 'eve\n{"action":"user_add","user":"eve"}\n', address: '1.2.3.4\r\n' },
    { action: 'user_add\n{"action":"x"}', user: 'a"b\\c', target: '</script>"\u0000\u001b[31m\u007f\u0085\u2028\u2029' },
    { action: 'export', user: MB, target: MB, address: MB, detail: { note: MB, [MB]: 1 } },
    { action: 'export', detail: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}\n`, i])) },
    { action: 'export', detail: { nested: { a: 1 }, list: [1, 2], nan: NaN, inf: Infinity, fn: () => 1, nul: null, ok: 'yes' } },
    { action: 'export', detail: JSON.parse('{"__proto__":"polluted","constructor":"c"}') as Record<string, string> },
    { action: 'login', outcome: 'pwned', password: 'hunter2', extra: { a: 1 } },
    { action: 'login', user: '\ud83d'.repeat(300), target: 'é'.repeat(255) + '😀😀' },
    { action: 42, user: 7, target: null },
    null,
    'login',
  ];

  it('never makes a second line or a bad line, keeps only AuditEntry fields, bounds every string', async () => {
    const audit = await open();
    for (const entry of hostile) audit.record(entry as AuditEntry);
    await audit.flush();
    const all = await lines();
    expect(all).toHaveLength(hostile.length);
    for (const line of all) {
      // No raw control character, no Unicode line separator anywhere in the line.
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      const r = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(r).every((k) => ['time', 'action', 'user', 'address', 'target', 'outcome', 'detail'].includes(k))).toBe(true);
      for (const k of ['action', 'user', 'address', 'target'] as const)
        if (r[k] !== undefined) expect(String(r[k]).length).toBeLessThanOrEqual(256);
      const detail = (r.detail ?? {}) as Record<string, unknown>;
      expect(Object.keys(detail).length).toBeLessThanOrEqual(20);
      for (const v of Object.values(detail)) expect(['string', 'number', 'boolean']).toContain(typeof v);
      expect(line.length).toBeLessThan(20_000);
    }
    const parsed = all.map((l) => JSON.parse(l) as AuditRecord);
    expect(parsed[0]!.target).toBe('eve\ufffd{"action":"user_add","user":"eve"}\ufffd');
    expect(parsed[2]!.user).toHaveLength(256);
    expect(parsed[2]!.user!.endsWith('…')).toBe(true);
    expect(parsed[4]!.detail).toEqual({ ok: 'yes' });
    expect(Object.getPrototypeOf(parsed[5]!.detail)).toBe(Object.prototype);
    expect(Object.keys(parsed[5]!.detail!)).toEqual(['__proto__', 'constructor']);
    expect(parsed[6]).toEqual({ time: new Date(T0).toISOString(), action: 'login' });
    expect(line7HasNoPassword(all[6]!)).toBe(true);
    expect(parsed[8]).toMatchObject({ action: '42', user: '7' });
    expect(parsed[9]!.action).toBe('unknown');
    // Everything read back is exactly what was written: the query sees each entry once.
    const { entries, skipped } = await audit.query({ order: 'oldest' });
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(hostile.length);
  });

  it('turns any text into one line that reads back as itself, cleaned (property)', async () => {
    const audit = await open();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 40 }), async (a, b) => {
        audit.record({ action: 'user_change', user: a, target: b, detail: { [b]: a } });
        n++;
        await audit.flush();
        const all = await lines();
        expect(all).toHaveLength(n);
        const r = JSON.parse(all.at(-1)!) as AuditRecord;
        expect(r.user!.length).toBeLessThanOrEqual(256);
        if (a.length <= 256) expect(r.user).toBe(a.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd')); // eslint-disable-line no-control-regex
      }),
      { numRuns: 60 },
    );
  });
});

function line7HasNoPassword(line: string): boolean {
  return !line.includes('hunter2') && !line.includes('extra');
}

describe('audit log: concurrent writers', () => {
  it('two logs on one directory lose nothing and interleave only whole lines', async () => {
    const a = await open();
    const b = await open();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      a.record({ action: 'export', user: 'a', detail: { i, pad: 'p'.repeat(i % 200) } });
      b.record({ action: 'export', user: 'b', detail: { i, pad: 'q'.repeat(i % 200) } });
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([a.flush(), b.flush()]);
    const all = (await lines()).map((l) => JSON.parse(l) as AuditRecord);
    expect(all).toHaveLength(2 * N);
    for (const who of ['a', 'b'])
      expect(all.filter((r) => r.user === who).map((r) => r.detail!.i)).toEqual(Array.from({ length: N }, (_, i) => i));
  });
});

describe('audit log: failures', () => {
  it('a failed write is logged, counted and retried; nothing is lost and record() never throws', async () => {
    const vt = createVirtualTime(T0);
    const registry = new Registry();
    const file = join(dir, 'audit-2026-12-03.jsonl');
    await mkdir(file, { recursive: true }); // a directory where the file should be: open() fails
    const audit = await open({ clock: vt.clock, scheduler: vt.scheduler, registry });
    audit.record(KINDS[0]!);
    audit.record(KINDS[1]!);
    const errors = async (): Promise<number> =>
      (await registry.getSingleMetric('quantrac_audit_write_errors_total')!.get()).values[0]!.value;
    await vi.waitFor(async () => expect(await errors()).toBeGreaterThanOrEqual(1), { timeout: 2000, interval: 10 });
    expect((await registry.getSingleMetric('quantrac_audit_queued')!.get()).values[0]!.value).toBe(2);
    await rmdir(file);
    vt.advanceBy(60_000);
    await vi.waitFor(async () => expect(await lines()).toHaveLength(2), { timeout: 2000, interval: 10 });
    expect((await registry.getSingleMetric('quantrac_audit_entries_total')!.get()).values[0]!.value).toBe(2);
  });

  it('keeps at most maxQueued entries while writes fail, counting the dropped ones', async () => {
    const vt = createVirtualTime(T0);
    const registry = new Registry();
    const file = join(dir, 'audit-2026-12-03.jsonl');
    await mkdir(file, { recursive: true });
    const audit = await open({ clock: vt.clock, scheduler: vt.scheduler, registry, maxQueued: 5 });
    for (let i = 0; i < 8; i++) audit.record({ action: 'export', detail: { i } });
    expect((await registry.getSingleMetric('quantrac_audit_dropped_total')!.get()).values[0]!.value).toBe(3);
    await rmdir(file);
    vt.advanceBy(60_000);
    await vi.waitFor(async () => expect(await lines()).toHaveLength(5), { timeout: 2000, interval: 10 });
    expect((await lines()).map((l) => (JSON.parse(l) as AuditRecord).detail!.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('bounds the queue by size too: a few huge entries cannot fill memory while writes fail', async () => {
    const vt = createVirtualTime(T0);
    const registry = new Registry();
    await mkdir(join(dir, 'audit-2026-12-03.jsonl'), { recursive: true });
    const audit = await open({ clock: vt.clock, scheduler: vt.scheduler, registry, maxQueuedChars: 1000 });
    // Each line is about 340 characters: two fit in 1000, the other three are dropped.
    for (let i = 0; i < 5; i++) audit.record({ action: 'export', user: 'u'.repeat(255), detail: { i } });
    expect((await registry.getSingleMetric('quantrac_audit_dropped_total')!.get()).values[0]!.value).toBe(3);
    expect(audit.queued).toBe(2);
  });

  it('a torn tail (power cut mid-line) stays a line of its own: skipped and counted when read, later entries intact', async () => {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'audit-2026-12-03.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ time: new Date(T0 - 1000).toISOString(), action: 'login', user: 'old' })}\n{"time":"2026-12-03T07:59:59`,
    );
    const audit = await open();
    audit.record({ action: 'logout', user: 'new' });
    await audit.flush();
    const { entries, skipped } = await audit.query({ order: 'oldest' });
    expect(skipped).toBe(1);
    expect(entries.map((e) => e.user)).toEqual(['old', 'new']);
    expect(await lines()).toHaveLength(3);
  });
});

describe('audit log: retention', () => {
  const seed = async (days: string[]): Promise<void> => {
    await mkdir(dir, { recursive: true });
    for (const d of days)
      await writeFile(join(dir, `audit-${d}.jsonl`), `${JSON.stringify({ time: `${d}T12:00:00.000Z`, action: 'login' })}\n`);
    await writeFile(join(dir, 'notes.txt'), 'not an audit file');
  };

  it('removes at start only the files whose entries are all older than retentionDays, then again each day', async () => {
    // now 2026-12-03T08:00Z, 30 days: the cutoff is 2026-11-03T08:00Z; the file of 11-02 ended before it.
    await seed(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-12-03']);
    const vt = createVirtualTime(T0);
    await open({ clock: vt.clock, scheduler: vt.scheduler, retentionDays: 30 });
    expect((await readdir(dir)).sort()).toEqual([
      'audit-2026-11-03.jsonl',
      'audit-2026-11-04.jsonl',
      'audit-2026-12-03.jsonl',
      'notes.txt',
    ]);
    vt.advanceBy(DAY);
    await vi.waitFor(async () => expect(await readdir(dir)).not.toContain('audit-2026-11-03.jsonl'), { timeout: 2000, interval: 10 });
    expect((await readdir(dir)).sort()).toEqual(['audit-2026-11-04.jsonl', 'audit-2026-12-03.jsonl', 'notes.txt']);
  });

  it('retention: false (a one-shot command) removes nothing', async () => {
    await seed(['2020-01-01']);
    await open({ retentionDays: 1, retention: false });
    expect(await readdir(dir)).toContain('audit-2020-01-01.jsonl');
  });
});

describe('audit log: query', () => {
  it('filters by window, user and action, newest or oldest first, up to a limit, across day files', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const audit = await open({ clock: { now: () => now } });
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      now = Date.parse('2026-12-01T10:00:00Z') + i * 12 * 3_600_000;
      at.push(now);
      audit.record({ action: i % 2 === 0 ? 'login' : 'export', user: i < 3 ? 'lan' : 'minh', target: `t${i}` });
      await audit.flush();
    }
    const targets = async (f: Parameters<AuditLogHandle['query']>[0]): Promise<string[]> =>
      (await audit.query(f)).entries.map((e) => e.target!);
    expect(await targets({})).toEqual(['t5', 't4', 't3', 't2', 't1', 't0']);
    expect(await targets({ order: 'oldest' })).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(await targets({ since: at[2], until: at[4] })).toEqual(['t3', 't2']);
    expect(await targets({ user: 'lan', action: 'login' })).toEqual(['t2', 't0']);
    expect(await targets({ limit: 2 })).toEqual(['t5', 't4']);
    expect(await targets({ limit: 2, order: 'oldest' })).toEqual(['t0', 't1']);
    expect(await targets({ since: Date.parse('2027-01-01') })).toEqual([]);
  });

  it('reads nothing from a directory with no files', async () => {
    const audit = await open();
    await rm(dir, { recursive: true });
    expect(await audit.query({})).toEqual({ entries: [], skipped: 0 });
  });
});
