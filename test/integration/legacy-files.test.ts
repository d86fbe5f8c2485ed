import { appendFile, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger } from '../../core/index.js';
import { createLegacyAdapter, type LegacyAdapter, type LegacyFileResult } from '../../legacy/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';

const FIXTURES = join('test', 'fixtures', 'legacy');
// The fixtures are real files with fixed times (2026-11-20, local): the accepted window is opened
// wide so they stay valid whatever the date the tests run on.
const WIDE_WINDOW = { READING_MAX_AGE_DAYS: '36500', READING_MAX_AHEAD_S: String(10 * 365 * 86_400) };

describe('legacy text files through the same admit() as MQTT (real files, real InfluxDB)', () => {
  let centre: TestCentre;
  let adapter: LegacyAdapter;
  let dir: string;
  let drop: string, archive: string, rejected: string;

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'), WIDE_WINDOW);
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-'));
    [drop, archive, rejected] = ['drop', 'archive', 'rejected'].map((d) => join(dir, d)) as [string, string, string];
    // pollMs 0: the test drives the scans, so "size held over two scans" is exact.
    adapter = await createLegacyAdapter({
      dropDir: drop,
      archiveDir: archive,
      rejectedDir: rejected,
      catalogue: centre.catalogue,
      admit: (m) => centre.ingest.admit(m),
      rejections$: centre.ingest.rejections$,
      log: createLogger({ level: 'silent' }),
      pollMs: 0,
      // These files are dropped in the drop folder itself (station folders: legacy-station-folder and legacy-hostile).
      requireStationFolder: false,
    });
  });
  afterAll(async () => {
    await adapter?.close();
    await centre?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deliver = (name: string, as = name): Promise<void> => copyFile(join(FIXTURES, name), join(drop, as));
  /** Two scans: the first sees the size, the second finds it unchanged and reads the file. */
  const settle = async (): Promise<LegacyFileResult[]> => [...(await adapter.scan()), ...(await adapter.scan())];
  const stored = (station: string) => storedReadings(centre.influx, `WHERE "station" = '${station}'`);
  const eventually = async (station: string, n: number) => {
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = '${station}'`)).toBe(n), {
      timeout: 15_000,
      interval: 100,
    });
    return stored(station);
  };

  it('a good file: every line stored with its value, status and local time (UTC+7), the raw file archived by date', async () => {
    await deliver('YP_F004_NT_20261120081500.txt');
    const [result] = await settle();
    expect(result).toMatchObject({ station: 'BN-YENPHONG-F004-NT1', outcome: 'stored', accepted: 9, rejected: 0 });
    const points = await eventually('BN-YENPHONG-F004-NT1', 9);
    const cod = points.find((p) => p.parameter === 'COD')!;
    expect(cod).toMatchObject({ value: 54.2, status: '00', zone: 'YENPHONG', time: Date.UTC(2026, 10, 20, 1, 15, 0) });
    expect(points.find((p) => p.parameter === 'TN')!.status).toBe('01');
    const kept = join(archive, '2026', '11', '20', 'YP_F004_NT_20261120081500.txt');
    expect(result!.keptAt).toBe(kept);
    expect(await readFile(kept)).toEqual(await readFile(join(FIXTURES, 'YP_F004_NT_20261120081500.txt')));
    expect(await readdir(drop)).toEqual([]);
    expect(result!.reasonAt).toBeUndefined();
  });

  it('malformed lines are rejected with reasons while the good lines of the same file are stored', async () => {
    await deliver('VA_F027_NT_20261120085000.txt');
    const [result] = await settle();
    expect(result).toMatchObject({ station: 'HT-VUNGANG-F027-NT1', outcome: 'partial', accepted: 4, rejected: 6 });
    expect(result!.errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'unit_mismatch'],
      [5, 'unknown_parameter'],
      [6, 'wrong_type'],
      [7, 'bad_timestamp'],
      [8, 'bad_status'],
      [9, 'bad_line'],
    ]);
    const points = await eventually('HT-VUNGANG-F027-NT1', 4);
    expect(points.map((p) => `${p.parameter}=${p.value}`).sort()).toEqual(['Flow=150.2', 'TSS=19.8', 'Temp=31', 'pH=7.3']);
    // The raw file is archived, with a reason file beside it naming each rejected line.
    const reason = await readFile(result!.reasonAt!, 'utf8');
    expect(result!.reasonAt).toBe(join(archive, '2026', '11', '20', 'VA_F027_NT_20261120085000.reason.txt'));
    expect(reason).toMatch(/outcome: partly stored, 4 readings stored, 6 lines rejected/);
    expect(reason).toMatch(/line 4: unit_mismatch: COD is measured in mg\/L, got "ppm": COD\t55\.1\tppm/);
    expect(reason).toMatch(/line 9: bad_line: expected 5 fields/);
  });

  it('UTF-8 with a byte-order mark and Windows line endings (unit spellings normalised)', async () => {
    await deliver('DV_F010_NT_20261120083000.txt');
    const [result] = await settle();
    expect(result).toMatchObject({ outcome: 'stored', accepted: 7 });
    const points = await eventually('HP-DINHVU-F010-NT1', 7);
    expect(points.map((p) => p.parameter).sort()).toEqual(['COD', 'Color', 'Flow', 'NH4', 'TSS', 'Temp', 'pH']);
    expect(points.find((p) => p.parameter === 'Flow')!.value).toBe(240.1);
    expect(points.find((p) => p.parameter === 'Color')!.status).toBe('00'); // no \r left in the last field
  });

  it('commas as decimal separators, spaces and blank lines (a province that writes them so)', async () => {
    await deliver('HPH_F022_NT_20261120084000.txt');
    const [result] = await settle();
    expect(result).toMatchObject({ outcome: 'stored', accepted: 9 });
    const points = await eventually('HCM-HIEPPHUOC-F022-NT1', 9);
    expect(Object.fromEntries(points.map((p) => [p.parameter, p.value]))).toEqual({
      Flow: 96.4,
      Temp: 28.7,
      pH: 7.4,
      TSS: 25.05,
      COD: 48.3,
      NH4: 1.9,
      Color: 15,
      TN: 9.8,
      TP: 1.25,
    });
    expect(points.find((p) => p.parameter === 'NH4')!.status).toBe('01');
  });

  it('a file written in two chunks is read only once its size is stable, and then whole', async () => {
    const bytes = await readFile(join(FIXTURES, 'DV_F010_KT_20261120092000.txt'));
    const name = join(drop, 'DV_F010_KT_20261120092000.txt');
    const cut = Math.floor(bytes.length / 2) + 1; // mid-line, mid-character pair of UTF-16
    await writeFile(name, bytes.subarray(0, cut));
    expect(await adapter.scan()).toEqual([]); // first sight
    await appendFile(name, bytes.subarray(cut));
    expect(await adapter.scan()).toEqual([]); // grew since: not yet
    const [result] = await adapter.scan(); // unchanged over two scans: read
    expect(result).toMatchObject({ station: 'HP-DINHVU-F010-KT1', outcome: 'stored', accepted: 3, errors: [] });
    const points = await eventually('HP-DINHVU-F010-KT1', 3);
    expect(Object.fromEntries(points.map((p) => [p.parameter, p.value]))).toEqual({ Flow: 41250, O2: 9.4, SO2: 182.4 });
  });

  it('the same file delivered twice stores nothing twice: skipped by content, and idempotent even when read again', async () => {
    await deliver('QTDN_HK_F034_NT_20261120090000.txt');
    const [first] = await settle();
    expect(first).toMatchObject({ station: 'DNG-HOAKHANH-F034-NT1', outcome: 'stored', accepted: 2 });
    await eventually('DNG-HOAKHANH-F034-NT1', 2);

    await deliver('QTDN_HK_F034_NT_20261120090000.txt');
    const [second] = await settle();
    expect(second).toMatchObject({ outcome: 'duplicate', accepted: 0, keptAt: first!.keptAt });
    expect(await readdir(drop)).toEqual([]);

    // Even with the archive gone (no record of the first delivery), the points are the same points.
    await rm(first!.keptAt!);
    await deliver('QTDN_HK_F034_NT_20261120090000.txt');
    const [third] = await settle();
    expect(third).toMatchObject({ outcome: 'stored', accepted: 2 });
    // Delivery to InfluxDB is in order: once a file admitted after it is stored, so is the re-read.
    await writeFile(join(drop, 'BN-YENPHONG-F001-NT1_20261120090000.txt'), 'COD\t40.0\tmg/L\t20261120090000\t00\n');
    await settle();
    await eventually('BN-YENPHONG-F001-NT1', 1);
    expect(await countReadings(centre.influx, `WHERE "station" = 'DNG-HOAKHANH-F034-NT1'`)).toBe(2);
  });

  it('a corrected file under the same name is stored (its values win) and kept beside the first', async () => {
    const name = 'QTDN_HK_F034_NT_20261120093000.txt';
    await writeFile(join(drop, name), 'COD\t40.0\tmg/L\t20261120093000\t00\n');
    await settle();
    await writeFile(join(drop, name), 'COD\t41.5\tmg/L\t20261120093000\t00\n');
    const [fixed] = await settle();
    expect(fixed).toMatchObject({ outcome: 'stored', accepted: 1 });
    expect(fixed!.keptAt).toMatch(/QTDN_HK_F034_NT_20261120093000\.[0-9a-f]{12}\.txt$/);
    await vi.waitFor(
      async () => {
        const points = await storedReadings(centre.influx, `WHERE "station" = 'DNG-HOAKHANH-F034-NT1' AND time = '2026-11-20T02:30:00Z'`);
        expect(points.map((p) => p.value)).toEqual([41.5]);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it('a bad file is moved to the rejected folder with a reason file: no station, nothing parseable, nothing valid', async () => {
    await deliver('NOWHERE_STATION_20261120090000.txt');
    await deliver('YP_F004_NT_20261120091000.txt');
    await writeFile(join(drop, 'YP_F004_NT_20261120092500.txt'), 'COD\t40\tppm\t20261120092500\t00\nXYZ\t1\tmg/L\t20261120092500\t00\n');
    await writeFile(join(drop, 'readme.docx'), 'not a legacy file');
    await writeFile(join(drop, 'YP_F004_NT_20261120093000.txt.part'), 'COD\t40'); // an upload in progress: left alone
    const results = await settle();
    const by = (f: string) => results.find((r) => r.file === f)!;
    expect(results.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(by('NOWHERE_STATION_20261120090000.txt').errors[0]!.code).toBe('no_station');
    expect(by('YP_F004_NT_20261120091000.txt').errors.map((e) => e.code)).toEqual(['nothing_parseable', 'bad_line', 'bad_line']);
    expect(by('YP_F004_NT_20261120092500.txt').errors.map((e) => e.code)).toEqual(['unit_mismatch', 'unknown_parameter']);
    expect(by('readme.docx').errors[0]!.code).toBe('bad_name');
    expect((await readdir(rejected)).sort()).toEqual([
      'NOWHERE_STATION_20261120090000.reason.txt',
      'NOWHERE_STATION_20261120090000.txt',
      'YP_F004_NT_20261120091000.reason.txt',
      'YP_F004_NT_20261120091000.txt',
      'YP_F004_NT_20261120092500.reason.txt',
      'YP_F004_NT_20261120092500.txt',
      'readme.docx',
      'readme.reason.txt',
    ]);
    expect(await readFile(join(rejected, 'NOWHERE_STATION_20261120090000.reason.txt'), 'utf8')).toMatch(
      /outcome: rejected, nothing stored\nfile: no_station: no station of the catalogue/,
    );
    expect(await readdir(drop)).toEqual(['YP_F004_NT_20261120093000.txt.part']);
    expect((await stat(join(drop, 'YP_F004_NT_20261120093000.txt.part'))).size).toBe(6);
    expect(await countReadings(centre.influx, `WHERE time = '2026-11-20T02:25:00Z'`)).toBe(0);
  });
});

describe('the legacy adapter as the centre runs it (LEGACY_DROP_DIR, polling)', () => {
  let centre: TestCentre | undefined;
  let drop: string | undefined;
  afterAll(async () => {
    await centre?.close();
    if (drop) await rm(drop, { recursive: true, force: true });
  });

  it('picks up a dropped file by itself, stores it, streams it live and archives it under DATA_DIR', async () => {
    drop = await mkdtemp(join(tmpdir(), 'qt-drop-'));
    centre = await startTestCentre(inject('influxUrl'), {
      ...WIDE_WINDOW,
      LEGACY_DROP_DIR: drop,
      LEGACY_POLL_MS: '100',
      LEGACY_REQUIRE_STATION_FOLDER: 'false',
    });
    expect(centre.legacy).toBeDefined();
    const live: string[] = [];
    const sub = centre.ingest.readings$.subscribe((r) => live.push(`${r.station}|${r.parameter}`));
    await copyFile(join(FIXTURES, 'YP_F004_NT_20261120081500.txt'), join(drop, 'YP_F004_NT_20261120081500.txt'));
    await vi.waitFor(async () => expect(await countReadings(centre!.influx)).toBe(9), { timeout: 20_000, interval: 100 });
    sub.unsubscribe();
    expect(live).toContain('BN-YENPHONG-F004-NT1|COD');
    await vi.waitFor(async () => expect(await readdir(drop!)).toEqual([]), { timeout: 5000 });
    expect(await readdir(join(centre.dataDir, 'legacy', 'archive', '2026', '11', '20'))).toEqual(['YP_F004_NT_20261120081500.txt']);
  });
});
