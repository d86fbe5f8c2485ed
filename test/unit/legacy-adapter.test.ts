import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, loadCatalogue, type Catalogue } from '../../core/index.js';
import { createLegacyAdapter, type LegacyAdapter, type LegacyAdmit } from '../../legacy/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

/** The adapter's own behaviour with a fake admit(); the real path is in test/integration/legacy-files. */
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

describe('legacy adapter (fake admit)', () => {
  let dir: string | undefined;
  let adapter: LegacyAdapter | undefined;
  afterEach(async () => {
    await adapter?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function setup(
    admit: LegacyAdmit,
    extra: { maxFileBytes?: number; maxBadLines?: number; requireStationFolder?: boolean } = {},
  ): Promise<{ drop: string; archive: string; rejected: string }> {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-unit-'));
    const dirs = { drop: join(dir, 'drop'), archive: join(dir, 'archive'), rejected: join(dir, 'rejected') };
    adapter = await createLegacyAdapter({
      dropDir: dirs.drop,
      archiveDir: dirs.archive,
      rejectedDir: dirs.rejected,
      catalogue,
      admit,
      log: createLogger({ level: 'silent' }),
      pollMs: 0,
      // These tests drop files in the drop folder itself: station folders are tested on their own below.
      requireStationFolder: false,
      ...extra,
    });
    return dirs;
  }
  const twoScans = async () => [...(await adapter!.scan()), ...(await adapter!.scan())];

  it('builds one readings message per file for the station, on its topic, each reading with its own time', async () => {
    const calls: Array<{ topic: string; body: unknown; clientId?: string }> = [];
    const { drop } = await setup(async (m) => {
      calls.push({ topic: m.topic, body: JSON.parse(m.payload.toString()), clientId: m.clientId });
      return { accepted: 2, rejected: 0 };
    });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), 'COD\t54,2\tmg/L\t20261120081500\t00\nTSS\t21\tmg/L\t20261120081000\t1\n');
    await twoScans();
    expect(calls).toEqual([
      {
        topic: 'stations/BN-YENPHONG-F004-NT1/readings',
        clientId: 'legacy:YP_F004_NT_20261120081500.txt',
        body: {
          station: 'BN-YENPHONG-F004-NT1',
          readings: [
            { parameter: 'COD', value: 54.2, unit: 'mg/L', status: '00', ts: '2026-11-20T08:15:00+07:00' },
            { parameter: 'TSS', value: 21, unit: 'mg/L', status: '01', ts: '2026-11-20T08:10:00+07:00' },
          ],
        },
      },
    ]);
  });

  it('splits a long file into messages of at most 1000 readings, mapping refusals back to their lines', async () => {
    const sizes: number[] = [];
    const { drop } = await setup(async (m) => {
      const n = (JSON.parse(m.payload.toString()) as { readings: unknown[] }).readings.length;
      sizes.push(n);
      return { accepted: n - 1, rejected: 1, errors: [{ path: 'readings[1].unit', code: 'unit_mismatch', message: 'wrong unit' }] };
    });
    // One reading a second from 2026-11-20 00:00:00 local: every stamp a real time (impossible ones are refused by the parser).
    const stamp = (i: number): string => new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
    const lines = Array.from({ length: 2500 }, (_, i) => `COD\t${i}\tmg/L\t${stamp(i)}\t00`);
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), `${lines.join('\n')}\n`);
    const [result] = await twoScans();
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(result).toMatchObject({ outcome: 'partial', accepted: 2497, rejected: 3 });
    expect(result!.errors.map((e) => e.line)).toEqual([2, 1002, 2002]);
  });

  it('leaves a file in the drop folder when admission fails (storage trouble), and takes it on a later scan', async () => {
    let fail = true;
    const { drop, archive } = await setup(async () => {
      if (fail) throw new Error('ingest is shutting down');
      return { accepted: 1, rejected: 0 };
    });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    expect(await twoScans()).toEqual([]);
    expect(await readdir(drop)).toEqual(['YP_F004_NT_20261120081500.txt']);
    fail = false;
    const [result] = await twoScans();
    expect(result).toMatchObject({ outcome: 'stored' });
    expect(await readdir(join(archive, '2026', '11', '20'))).toEqual(['YP_F004_NT_20261120081500.txt']);
  });

  it('reads subfolders (one per FTP account), rejects oversized files unread', async () => {
    let called = 0;
    const { drop, rejected } = await setup(
      async () => {
        called++;
        return { accepted: 1, rejected: 0 };
      },
      { maxFileBytes: 200 },
    );
    await mkdir(join(drop, 'bacninh', 'yp'), { recursive: true });
    await writeFile(join(drop, 'bacninh', 'yp', 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    await writeFile(join(drop, 'YP_F004_NT_20261120082000.txt'), 'x'.repeat(201));
    const results = await twoScans();
    expect(results.map((r) => `${r.file} ${r.outcome}`).sort()).toEqual([
      'YP_F004_NT_20261120082000.txt rejected',
      `${join('bacninh', 'yp', 'YP_F004_NT_20261120081500.txt')} stored`,
    ]);
    expect(called).toBe(1);
    expect(results.find((r) => r.outcome === 'rejected')!.errors[0]!.code).toBe('too_large');
    expect(await readdir(rejected)).toContain('YP_F004_NT_20261120082000.reason.txt');
  });

  it('with requireStationFolder, takes a file only from its own station folder (id or legacy prefix) right under the drop folder', async () => {
    const topics: string[] = [];
    const { drop, rejected } = await setup(
      async (m) => {
        topics.push(m.topic);
        return { accepted: 1, rejected: 0 };
      },
      { requireStationFolder: true },
    );
    const line = (stamp: string) => `COD\t54\tmg/L\t${stamp}\t00\n`;
    const put = async (folder: string, name: string): Promise<void> => {
      await mkdir(join(drop, folder), { recursive: true });
      await writeFile(join(drop, folder, name), line(name.slice(-18, -4)));
    };
    // Accepted: the station's id folder, its legacy-prefix folder (any case), a subfolder of its own.
    await put('BN-YENPHONG-F004-NT1', 'YP_F004_NT_20261120081500.txt');
    await put('yp_f004_nt', 'YP_F004_NT_20261120082000.txt');
    await put(join('BN-YENPHONG-F004-NT1', 'resend'), 'YP_F004_NT_20261120082500.txt');
    // Refused: the drop folder itself; another station's account; a folder named after the
    // station made inside another account's home (any account can create one in its own).
    await put('', 'YP_F004_NT_20261120083000.txt');
    await put('DV_F010_NT', 'YP_F004_NT_20261120083500.txt');
    await put(join('DV_F010_NT', 'BN-YENPHONG-F004-NT1'), 'YP_F004_NT_20261120084000.txt');
    const results = await twoScans();
    const outcome = Object.fromEntries(results.map((r) => [r.file.split(/[\\/]/).at(-1), r.outcome]));
    expect(outcome).toEqual({
      'YP_F004_NT_20261120081500.txt': 'stored',
      'YP_F004_NT_20261120082000.txt': 'stored',
      'YP_F004_NT_20261120082500.txt': 'stored',
      'YP_F004_NT_20261120083000.txt': 'rejected',
      'YP_F004_NT_20261120083500.txt': 'rejected',
      'YP_F004_NT_20261120084000.txt': 'rejected',
    });
    expect(topics).toHaveLength(3);
    const refused = results.filter((r) => r.outcome === 'rejected');
    expect(refused.every((r) => r.errors[0]!.code === 'wrong_folder' && r.station === 'BN-YENPHONG-F004-NT1')).toBe(true);
    const reason = await readFile(join(rejected, 'YP_F004_NT_20261120083500.reason.txt'), 'utf8');
    expect(reason).toContain('wrong_folder');
    expect(reason).toContain('"BN-YENPHONG-F004-NT1/" or "YP_F004_NT/"');
  });

  it('with requireStationFolder false, the name alone names the station, wherever the file is', async () => {
    let calls = 0;
    const { drop } = await setup(
      async () => {
        calls++;
        return { accepted: 1, rejected: 0 };
      },
      { requireStationFolder: false },
    );
    await mkdir(join(drop, 'DV_F010_NT'), { recursive: true });
    await writeFile(join(drop, 'DV_F010_NT', 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    expect((await twoScans()).map((r) => r.outcome)).toEqual(['stored']);
    expect(calls).toBe(1);
  });

  it('never reads its own archive or rejected folder when they sit inside the drop folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-unit-'));
    const drop = join(dir, 'drop');
    let calls = 0;
    adapter = await createLegacyAdapter({
      dropDir: drop,
      archiveDir: join(drop, 'archive'),
      rejectedDir: join(drop, 'rejected'),
      catalogue,
      admit: async () => {
        calls++;
        return { accepted: 1, rejected: 0 };
      },
      log: createLogger({ level: 'silent' }),
      pollMs: 0,
      requireStationFolder: false,
    });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    await writeFile(join(drop, 'nothing.txt'), 'junk');
    expect((await twoScans()).map((r) => r.outcome).sort()).toEqual(['rejected', 'stored']);
    expect(await twoScans()).toEqual([]);
    expect(calls).toBe(1);
  });

  it('polls by itself at the configured period', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-unit-'));
    const stored: string[] = [];
    adapter = await createLegacyAdapter({
      dropDir: join(dir, 'drop'),
      archiveDir: join(dir, 'archive'),
      rejectedDir: join(dir, 'rejected'),
      catalogue,
      admit: async (m) => {
        stored.push(m.topic);
        return { accepted: 1, rejected: 0 };
      },
      log: createLogger({ level: 'silent' }),
      pollMs: 20,
      requireStationFolder: false,
    });
    await writeFile(join(dir, 'drop', 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    await vi.waitFor(() => expect(stored).toEqual(['stations/BN-YENPHONG-F004-NT1/readings']), { timeout: 5000, interval: 20 });
  });

  it('times its passes on the given scheduler: a pass every pollMs after the last ended, none after close', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-unit-'));
    const vt = createVirtualTime();
    const stored: string[] = [];
    adapter = await createLegacyAdapter({
      dropDir: join(dir, 'drop'),
      archiveDir: join(dir, 'archive'),
      rejectedDir: join(dir, 'rejected'),
      catalogue,
      admit: async (m) => {
        stored.push(m.topic);
        return { accepted: 1, rejected: 0 };
      },
      log: createLogger({ level: 'silent' }),
      pollMs: 60_000,
      scheduler: vt.scheduler,
      requireStationFolder: false,
    });
    await writeFile(join(dir, 'drop', 'YP_F004_NT_20261120081500.txt'), 'COD\t54\tmg/L\t20261120081500\t00\n');
    expect(vt.scheduler.actions).toHaveLength(1);
    vt.advanceBy(59_999);
    expect(vt.scheduler.actions).toHaveLength(1); // not yet: nothing read
    vt.advanceBy(1); // first pass: the file is seen
    await vi.waitFor(() => expect(vt.scheduler.actions).toHaveLength(1));
    expect(stored).toEqual([]);
    vt.advanceBy(60_000); // second pass: its size held, it is read
    await vi.waitFor(() => expect(stored).toEqual(['stations/BN-YENPHONG-F004-NT1/readings']));
    await vi.waitFor(() => expect(vt.scheduler.actions).toHaveLength(1));
    await adapter.close();
    adapter = undefined;
    expect(vt.scheduler.actions).toHaveLength(0);
  });
});
