import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadCatalogue, type Catalogue } from '../../core/index.js';
import { createLegacyAdapter, type LegacyAdapter, type LegacyAdapterOptions, type LegacyAdmit } from '../../legacy/index.js';

/** The adapter's bounds and defaults (docs/LEGACY.md, "Bounds"), with a fake admit(); the whole centre is in test/integration/legacy-hostile. */
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

const line = (stamp = '20261120081500', unit = 'mg/L'): string => `COD\t54\t${unit}\t${stamp}\t00\n`;
const storeAll: LegacyAdmit = async (m) => ({
  accepted: (JSON.parse(m.payload.toString()) as { readings: unknown[] }).readings.length,
  rejected: 0,
});

describe('legacy adapter bounds and defaults (fake admit)', () => {
  let dir: string | undefined;
  let adapter: LegacyAdapter | undefined;
  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function setup(
    extra: Partial<LegacyAdapterOptions> = {},
  ): Promise<{ drop: string; archive: string; rejected: string; logs: Array<{ msg: string; file?: string }> }> {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-bounds-'));
    const dirs = { drop: join(dir, 'drop'), archive: join(dir, 'archive'), rejected: join(dir, 'rejected') };
    const logs: Array<{ msg: string; file?: string }> = [];
    adapter = await createLegacyAdapter({
      dropDir: dirs.drop,
      archiveDir: dirs.archive,
      rejectedDir: dirs.rejected,
      catalogue,
      admit: storeAll,
      log: createLogger({ level: 'info', destination: { write: (s: string) => void logs.push(JSON.parse(s) as { msg: string }) } }),
      pollMs: 0,
      ...extra,
    });
    return { ...dirs, logs };
  }
  const twoScans = async () => [...(await adapter!.scan()), ...(await adapter!.scan())];
  const put = async (drop: string, folder: string, name: string, content: string): Promise<void> => {
    await mkdir(join(drop, folder), { recursive: true });
    await writeFile(join(drop, folder, name), content);
  };

  it("by default, takes a station's file only from its own folder: the drop folder itself and another station's folder are refused", async () => {
    let calls = 0;
    const { drop, rejected } = await setup({
      admit: async (m) => {
        calls++;
        return storeAll(m);
      },
    });
    await put(drop, 'BN-YENPHONG-F004-NT1', 'YP_F004_NT_20261120081500.txt', line());
    await put(drop, '', 'YP_F004_NT_20261120082000.txt', line('20261120082000'));
    await put(drop, 'DV_F010_NT', 'YP_F004_NT_20261120082500.txt', line('20261120082500'));
    const results = await twoScans();
    const outcome = Object.fromEntries(results.map((r) => [r.file.split(/[\\/]/).at(-1), [r.outcome, r.errors[0]?.code]]));
    expect(outcome).toEqual({
      'YP_F004_NT_20261120081500.txt': ['stored', undefined],
      'YP_F004_NT_20261120082000.txt': ['rejected', 'wrong_folder'],
      'YP_F004_NT_20261120082500.txt': ['rejected', 'wrong_folder'],
    });
    expect(calls).toBe(1);
    expect(await readFile(join(rejected, 'YP_F004_NT_20261120082000.reason.txt'), 'utf8')).toMatch(
      /wrong_folder: a file of station BN-YENPHONG-F004-NT1 is accepted only under its own folder "BN-YENPHONG-F004-NT1\/" or "YP_F004_NT\/"/,
    );
  });

  it('past maxBadLines bad lines, the whole file is rejected unadmitted, its reason file naming why and the first bad lines', async () => {
    let calls = 0;
    const { drop } = await setup({
      requireStationFolder: false,
      maxBadLines: 5,
      admit: async (m) => {
        calls++;
        return storeAll(m);
      },
    });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), line() + 'x\n'.repeat(100_000));
    const [result] = await twoScans();
    expect(calls).toBe(0);
    expect(result).toMatchObject({ outcome: 'rejected', accepted: 0 });
    expect(result!.errors.map((e) => [e.line, e.code])).toEqual([
      [undefined, 'too_many_bad_lines'],
      [2, 'bad_line'],
      [3, 'bad_line'],
      [4, 'bad_line'],
      [5, 'bad_line'],
      [6, 'bad_line'],
    ]);
    const reason = await readFile(result!.reasonAt!, 'utf8');
    expect(reason).toMatch(/file: too_many_bad_lines: more than 5 lines are not readings \(LEGACY_MAX_BAD_LINES\): not read past line 7/);
    expect(reason.split('\n').length).toBeLessThan(20);
  });

  it('a file whose every line validation refuses: the reason file lists the first reasons and counts the rest, never all of them', async () => {
    const { drop } = await setup({
      requireStationFolder: false,
      admit: async (m) => {
        const n = (JSON.parse(m.payload.toString()) as { readings: unknown[] }).readings.length;
        const errors = Array.from({ length: n }, (_, i) => ({
          path: `readings[${i}].unit`,
          code: 'unit_mismatch',
          message: 'COD is measured in mg/L',
        }));
        return { accepted: 0, rejected: n, errors };
      },
    });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), line('20261120081500', 'ppm').repeat(20_000));
    const [result] = await twoScans();
    expect(result).toMatchObject({ outcome: 'rejected', accepted: 0, rejected: 20_000, moreErrors: 20_000 - 101 });
    expect(result!.errors).toHaveLength(101);
    const reason = await readFile(result!.reasonAt!, 'utf8');
    expect(reason).toContain(`... and ${20_000 - 101} more reasons not listed`);
    expect((await stat(result!.reasonAt!)).size).toBeLessThan(32 * 1024);
  });

  it('a file larger than maxFileBytes is moved to the rejected folder unread, with its reason', async () => {
    const { drop, rejected } = await setup({ requireStationFolder: false, maxFileBytes: 1000 });
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), line().repeat(100));
    const [result] = await twoScans();
    expect(result).toMatchObject({ outcome: 'rejected', errors: [{ code: 'too_large' }] });
    expect((await readdir(rejected)).sort()).toEqual(['YP_F004_NT_20261120081500.reason.txt', 'YP_F004_NT_20261120081500.txt']);
    expect(await readFile(result!.reasonAt!, 'utf8')).toMatch(/too_large: 3000 bytes, more than 1000 \(LEGACY_MAX_FILE_BYTES\)/);
    expect(await readFile(result!.reasonAt!, 'utf8')).not.toMatch(/sha256/); // never read, not even to hash it
  });

  it('when the archive cannot be used, the file still leaves the drop folder: rejected with the reason', async () => {
    const { drop, archive, rejected } = await setup({ requireStationFolder: false });
    await rm(archive, { recursive: true });
    await writeFile(archive, 'not a folder');
    await writeFile(join(drop, 'YP_F004_NT_20261120081500.txt'), line());
    const [result] = await twoScans();
    expect(result).toMatchObject({ outcome: 'rejected', errors: [{ code: 'not_processed' }] });
    expect(await readdir(drop)).toEqual([]);
    expect(await readdir(rejected)).toContain('YP_F004_NT_20261120081500.txt');
    expect(await readFile(result!.reasonAt!, 'utf8')).toMatch(
      /not_processed: the file could not be processed \(.+\); dropping it again is safe/,
    );
  });

  it('a file that cannot even be moved out is skipped, not retried every pass, counted, and tried again once it changes', async () => {
    const registry = new Registry();
    let now = Date.parse('2026-11-27T01:00:00Z');
    const { drop, rejected, logs } = await setup({ requireStationFolder: false, maxFileBytes: 10, registry, clock: { now: () => now } });
    await rm(rejected, { recursive: true });
    await writeFile(rejected, 'not a folder'); // neither the rejected folder nor its reason file can be written
    const name = 'YP_F004_NT_20261120081500.txt';
    await writeFile(join(drop, name), line());
    expect(await twoScans()).toEqual([]);
    for (let i = 0; i < 5; i++) expect(await adapter!.scan()).toEqual([]);
    const stuckLines = () => logs.filter((l) => /nor moved out of the drop folder/.test(l.msg));
    expect(stuckLines()).toHaveLength(1);
    expect((await registry.getSingleMetric('quantrac_legacy_files_stuck')!.get()).values[0]!.value).toBe(1);
    // The operator fixes the disk; the file is tried again after a while (or when it changes).
    await rm(rejected);
    await mkdir(rejected);
    now += 11 * 60_000;
    const results = await twoScans();
    expect(results).toMatchObject([{ file: name, outcome: 'rejected', errors: [{ code: 'too_large' }] }]);
    expect(await readdir(drop)).toEqual([]);
    expect((await registry.getSingleMetric('quantrac_legacy_files_stuck')!.get()).values[0]!.value).toBe(0);
    const rejectedByReason = await registry.getSingleMetric('quantrac_legacy_files_rejected_total')!.get();
    expect(rejectedByReason.values).toEqual([expect.objectContaining({ labels: { reason: 'too_large' }, value: 1 })]);
  });
});
