import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LegacyFileResult } from '../../legacy/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';

const FIXTURES = join('test', 'fixtures', 'legacy');
// Fixtures carry fixed 2026-11-20 times: the accepted window is opened wide.
const WIDE_WINDOW = { READING_MAX_AGE_DAYS: '36500', READING_MAX_AHEAD_S: String(10 * 365 * 86_400) };
const MiB = 1024 * 1024;
/** A reason file is a header and at most LEGACY_MAX_BAD_LINES (100) reasons of a few hundred bytes. */
const SMALL = 64 * 1024;

/**
 * Hostile legacy files against the whole centre as it runs (docs/LEGACY.md, "Bounds"): every
 * default as shipped (LEGACY_MAX_FILE_BYTES, LEGACY_MAX_BAD_LINES, LEGACY_REQUIRE_STATION_FOLDER),
 * real files, polling, real InfluxDB.
 */
describe('hostile legacy files (whole centre, defaults)', () => {
  let centre: TestCentre;
  let dir: string, drop: string, rejected: string;
  const results = new Map<string, LegacyFileResult>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-hostile-'));
    [drop, rejected] = [join(dir, 'drop'), join(dir, 'rejected')];
    centre = await startTestCentre(inject('influxUrl'), {
      ...WIDE_WINDOW,
      LEGACY_DROP_DIR: drop,
      LEGACY_ARCHIVE_DIR: join(dir, 'archive'),
      LEGACY_REJECTED_DIR: rejected,
      LEGACY_POLL_MS: '100',
    });
    centre.legacy!.results$.subscribe((r) => results.set(r.file.split(/[\\/]/).at(-1)!, r));
  });
  afterAll(async () => {
    await centre?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const finished = (name: string): Promise<LegacyFileResult> =>
    vi.waitFor(
      () => {
        const r = results.get(name);
        if (!r) throw new Error(`${name} not finished yet`);
        return r;
      },
      { timeout: 20_000, interval: 50 },
    );
  const intoFolder = async (folder: string, name: string, content: string | Buffer): Promise<void> => {
    await mkdir(join(drop, folder), { recursive: true });
    await writeFile(join(drop, folder, name), content);
  };
  const metric = async (line: string): Promise<boolean> => (await (await fetch(`${centre.dashboardUrl}/metrics`)).text()).includes(line);

  it('4 MiB of "x" lines: rejected unread with a small reason file, the centre stays up, the file next to it is stored', async () => {
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    try {
      await intoFolder('YP_F004_NT', 'YP_F004_NT_20261120100000.txt', 'x\n'.repeat(2 * MiB));
      await mkdir(join(drop, 'BN-YENPHONG-F004-NT1'), { recursive: true });
      await copyFile(join(FIXTURES, 'YP_F004_NT_20261120081500.txt'), join(drop, 'BN-YENPHONG-F004-NT1', 'YP_F004_NT_20261120081500.txt'));
      const bad = await finished('YP_F004_NT_20261120100000.txt');
      expect(bad).toMatchObject({ outcome: 'rejected', accepted: 0 });
      expect(bad.errors.map((e) => e.code)).toEqual(['too_large']);
      expect((await stat(bad.keptAt!)).size).toBe(4 * MiB);
      expect((await stat(bad.reasonAt!)).size).toBeLessThan(SMALL);
      expect(await readFile(bad.reasonAt!, 'utf8')).toMatch(/too_large: 4194304 bytes, more than 1048576 \(LEGACY_MAX_FILE_BYTES\)/);
      expect(await finished('YP_F004_NT_20261120081500.txt')).toMatchObject({ outcome: 'stored', accepted: 9 });
    } finally {
      clearInterval(sampler);
    }
    // Coarse: the file is never read, so the heap never holds it, let alone a million error objects.
    expect(peak - baseline).toBeLessThan(128 * MiB);
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = 'BN-YENPHONG-F004-NT1'`)).toBe(9), {
      timeout: 15_000,
      interval: 100,
    });
    // Out of the drop folder: a restart never meets it again.
    expect(await readdir(join(drop, 'YP_F004_NT'))).toEqual([]);
    expect((await fetch(`${centre.dashboardUrl}/healthz`)).status).toBe(200);
    expect(await metric('quantrac_legacy_files_rejected_total{reason="too_large"} 1')).toBe(true);
  });

  it('just under the size limit, all "x" lines: parsing stops past LEGACY_MAX_BAD_LINES, the file is rejected whole, its reason file bounded', async () => {
    await intoFolder('YP_F004_NT', 'YP_F004_NT_20261120101000.txt', `COD\t54\tmg/L\t20261120101000\t00\n${'x\n'.repeat(MiB / 2 - 20)}`);
    const bad = await finished('YP_F004_NT_20261120101000.txt');
    expect(bad).toMatchObject({ outcome: 'rejected', accepted: 0 });
    expect(bad.errors[0]!.code).toBe('too_many_bad_lines');
    expect(bad.errors.length).toBeLessThanOrEqual(101);
    const reason = await readFile(bad.reasonAt!, 'utf8');
    expect(reason.length).toBeLessThan(SMALL);
    expect(reason).toMatch(/too_many_bad_lines: more than 100 lines are not readings \(LEGACY_MAX_BAD_LINES\): not read past line 102/);
    expect(reason).toMatch(/line 2: bad_line: expected 5 fields/);
    expect(await countReadings(centre.influx, `WHERE time = '2026-11-20T03:10:00Z'`)).toBe(0); // not even its good line
    expect(await readdir(join(drop, 'YP_F004_NT'))).toEqual([]);
  });

  it('impossible local times are refused with a clear reason, never rolled over into the next day', async () => {
    const lines = [
      'COD\t54.2\tmg/L\t20261120102000\t00', // good
      'TSS\t20\tmg/L\t20261131081500\t00', // Nov 31
      'NH4\t1.5\tmg/L\t20260230081500\t00', // Feb 30
      'Flow\t100\tm3/h\t20261120240000\t00', // hour 24
      'pH\t7.1\tpH\t2026-11-31T08:15:00+07:00\t00', // Nov 31 written as RFC 3339
    ];
    await intoFolder('YP_F004_NT', 'YP_F004_NT_20261120102000.txt', `${lines.join('\n')}\n`);
    const r = await finished('YP_F004_NT_20261120102000.txt');
    expect(r).toMatchObject({ outcome: 'partial', accepted: 1, rejected: 4 });
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'bad_timestamp'],
      [3, 'bad_timestamp'],
      [4, 'bad_timestamp'],
      [5, 'bad_timestamp'],
    ]);
    const reason = await readFile(r.reasonAt!, 'utf8');
    expect(reason).toContain('line 2: bad_timestamp: 20261131081500 is not a real local time (2026-11-31 08:15:00 does not exist)');
    expect(reason).toContain('line 4: bad_timestamp: 20261120240000 is not a real local time (2026-11-20 24:00:00 does not exist)');
    await vi.waitFor(
      async () => expect(await countReadings(centre.influx, `WHERE "parameter" = 'COD' AND time = '2026-11-20T03:20:00Z'`)).toBe(1),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    const station = await storedReadings(centre.influx, `WHERE "station" = 'BN-YENPHONG-F004-NT1' AND time >= '2026-11-30T00:00:00Z'`);
    expect(station).toEqual([]); // nothing landed on Dec 1 (or Mar 2, or Nov 21)
    expect(await countReadings(centre.influx, `WHERE "parameter" = 'Flow' AND time = '2026-11-20T17:00:00Z'`)).toBe(0);
    expect(await countReadings(centre.influx, `WHERE "parameter" = 'NH4' AND time = '2026-03-02T01:15:00Z'`)).toBe(0);
  });

  it('a file name with an impossible time is rejected (bad_name), not archived under a day that does not exist', async () => {
    await intoFolder('YP_F004_NT', 'YP_F004_NT_20261131081500.txt', 'COD\t54.2\tmg/L\t20261130081500\t00\n');
    const r = await finished('YP_F004_NT_20261131081500.txt');
    expect(r).toMatchObject({ outcome: 'rejected', accepted: 0 });
    expect(r.errors[0]).toMatchObject({ code: 'bad_name' });
    expect(r.errors[0]!.message).toMatch(/20261131081500 is not a real local time \(2026-11-31 08:15:00 does not exist\)/);
    expect(r.keptAt!.startsWith(rejected)).toBe(true);
  });

  it("with the defaults, a station's file is taken only from its own folder: another station's folder or the drop folder itself is refused", async () => {
    await intoFolder('DV_F010_NT', 'YP_F004_NT_20261120103000.txt', 'COD\t54.2\tmg/L\t20261120103000\t00\n');
    await intoFolder('', 'YP_F004_NT_20261120103500.txt', 'COD\t54.2\tmg/L\t20261120103500\t00\n');
    for (const name of ['YP_F004_NT_20261120103000.txt', 'YP_F004_NT_20261120103500.txt']) {
      const r = await finished(name);
      expect(r).toMatchObject({ station: 'BN-YENPHONG-F004-NT1', outcome: 'rejected', accepted: 0 });
      expect(r.errors[0]!.code).toBe('wrong_folder');
      expect(await readFile(r.reasonAt!, 'utf8')).toMatch(
        /wrong_folder: a file of station BN-YENPHONG-F004-NT1 is accepted only under its own folder/,
      );
    }
    expect(await countReadings(centre.influx, `WHERE time >= '2026-11-20T03:30:00Z' AND time <= '2026-11-20T03:35:00Z'`)).toBe(0);
  });
});
