import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LegacyFileResult } from '../../legacy/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings } from '../helpers/influx-query.js';

const FIXTURES = join('test', 'fixtures', 'legacy');
// Fixtures carry fixed 2026-11-20 times: the accepted window is opened wide.
const WIDE_WINDOW = { READING_MAX_AGE_DAYS: '36500', READING_MAX_AHEAD_S: String(10 * 365 * 86_400) };

describe('LEGACY_REQUIRE_STATION_FOLDER (whole centre, real InfluxDB)', () => {
  let centre: TestCentre;
  let dir: string;
  let drop: string;
  const results: LegacyFileResult[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-legacy-folder-'));
    drop = join(dir, 'drop');
    centre = await startTestCentre(inject('influxUrl'), {
      ...WIDE_WINDOW,
      LEGACY_DROP_DIR: drop,
      LEGACY_ARCHIVE_DIR: join(dir, 'archive'),
      LEGACY_REJECTED_DIR: join(dir, 'rejected'),
      LEGACY_POLL_MS: '100',
      LEGACY_REQUIRE_STATION_FOLDER: 'true',
    });
    centre.legacy!.results$.subscribe((r) => results.push(r));
  });
  afterAll(async () => {
    await centre?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stores a file from its station's FTP folder; one another account drops for that station is rejected with the reason, nothing stored", async () => {
    const file = 'YP_F004_NT_20261120081500.txt';
    // The account of DV_F010_NT (chrooted to its folder) tries to write for BN-YENPHONG-F004-NT1.
    await mkdir(join(drop, 'DV_F010_NT'), { recursive: true });
    await copyFile(join(FIXTURES, file), join(drop, 'DV_F010_NT', file));
    await vi.waitFor(() => expect(results).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect(results[0]).toMatchObject({ station: 'BN-YENPHONG-F004-NT1', outcome: 'rejected', accepted: 0 });
    expect(results[0]!.errors[0]!.code).toBe('wrong_folder');
    expect(await readdir(join(dir, 'rejected'))).toEqual(['YP_F004_NT_20261120081500.reason.txt', file].sort());
    expect(await countReadings(centre.influx, `WHERE "station" = 'BN-YENPHONG-F004-NT1'`)).toBe(0);

    // The station's own account, in its own folder.
    await mkdir(join(drop, 'BN-YENPHONG-F004-NT1'), { recursive: true });
    await copyFile(join(FIXTURES, file), join(drop, 'BN-YENPHONG-F004-NT1', file));
    await vi.waitFor(() => expect(results).toHaveLength(2), { timeout: 10_000, interval: 100 });
    expect(results[1]).toMatchObject({ station: 'BN-YENPHONG-F004-NT1', outcome: 'stored', accepted: 9 });
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = 'BN-YENPHONG-F004-NT1'`)).toBe(9), {
      timeout: 15_000,
      interval: 100,
    });
  });
});
