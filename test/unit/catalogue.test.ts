import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CatalogueError, loadCatalogue, parseCatalogue, type Catalogue, type CatalogueFile, type Station } from '../../core/index.js';
import { catalogueText } from '../../scripts/make-catalogue.js';

const SEED_PATH = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));

let shippedText: string;
let catalogue: Catalogue;
let tmp: string;

beforeAll(async () => {
  shippedText = await readFile(SEED_PATH, 'utf8');
  catalogue = await loadCatalogue(SEED_PATH);
  tmp = await mkdtemp(join(tmpdir(), 'quantrac-catalogue-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh, mutable copy of the shipped catalogue file. */
function shipped(): CatalogueFile {
  return JSON.parse(shippedText) as CatalogueFile;
}

function at<T>(items: T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

/** Index of the first station matching `pred` in a catalogue file. */
function stationIndex(file: CatalogueFile, pred: (s: Station) => boolean): number {
  const i = file.stations.findIndex(pred);
  if (i < 0) throw new Error('no such station in the shipped catalogue');
  return i;
}

/** The CatalogueError thrown by `fn`; fails the test when it throws nothing or something else. */
function catalogueError(fn: () => unknown): CatalogueError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogueError);
    return err as CatalogueError;
  }
  throw new Error('expected a CatalogueError, nothing was thrown');
}

async function catalogueErrorAsync(promise: Promise<unknown>): Promise<CatalogueError> {
  const err: unknown = await promise.then(
    () => {
      throw new Error('expected a CatalogueError, the catalogue loaded');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogueError);
  return err as CatalogueError;
}

let fileCount = 0;
async function writeTemp(text: string): Promise<string> {
  const path = join(tmp, `catalogue-${++fileCount}.json`);
  await writeFile(path, text, 'utf8');
  return path;
}

describe('shipped seeds/catalogue.json', () => {
  it('loads with loadCatalogue', () => {
    expect(catalogue.version).toBe(1);
    expect(catalogue.zones).toHaveLength(9);
    expect(catalogue.facilities.length).toBeGreaterThanOrEqual(30);
    expect(catalogue.stations.length).toBeGreaterThanOrEqual(60);
  });

  it('has the nine demo industrial zones', () => {
    expect(catalogue.zones.map((z) => z.id).sort()).toEqual([
      'DINHVU',
      'DUNGQUAT',
      'HIEPPHUOC',
      'HOAKHANH',
      'NHONTRACH',
      'QUANGMINH',
      'VSIP1',
      'VUNGANG',
      'YENPHONG',
    ]);
    const yenPhong = catalogue.zones.find((z) => z.id === 'YENPHONG');
    expect(yenPhong).toMatchObject({ name: 'Yên Phong', province: 'Bắc Ninh', lat: 21.2, lon: 106 });
  });

  it('has both kinds of station, every station with limits, near its zone', () => {
    const kinds = new Set(catalogue.stations.map((s) => s.kind));
    expect(kinds).toEqual(new Set(['wastewater', 'stack']));
    for (const s of catalogue.stations) {
      expect(s.limits.length, s.id).toBeGreaterThan(0);
      const zone = catalogue.zoneOf(s.id);
      expect(zone, s.id).toBeDefined();
      expect(Math.abs(s.lat - zone!.lat), s.id).toBeLessThanOrEqual(0.02);
      expect(Math.abs(s.lon - zone!.lon), s.id).toBeLessThanOrEqual(0.02);
    }
  });

  it('gives every facility a wastewater outfall', () => {
    for (const f of catalogue.facilities) {
      expect(
        catalogue.stations.some((s) => s.facilityId === f.id && s.kind === 'wastewater'),
        f.id,
      ).toBe(true);
    }
  });

  it('has a few legacy 5-minute stations with their own file prefix', () => {
    const legacy = catalogue.stations.filter((s) => s.legacyPrefix !== undefined);
    expect(legacy.length).toBeGreaterThan(0);
    for (const s of legacy) expect(s.legacyPrefix).not.toBe(s.id);
    expect(catalogue.stations.some((s) => s.intervalS === 300)).toBe(true);
    expect(catalogue.stations.filter((s) => s.intervalS === 60).length).toBeGreaterThan(catalogue.stations.length / 2);
  });

  it('has no limits on Flow, P or O2', () => {
    for (const s of catalogue.stations) {
      expect(
        s.limits.filter((l) => ['Flow', 'P', 'O2'].includes(l.parameter)),
        s.id,
      ).toEqual([]);
    }
  });

  it('is what scripts/make-catalogue.ts generates', () => {
    expect(catalogueText()).toBe(shippedText);
  });
});

describe('limitAt', () => {
  it('returns max = base x coefficients for a COD limit', () => {
    const station = catalogue.stations.find(
      (s) => s.kind === 'wastewater' && s.limits.some((l) => l.parameter === 'COD' && l.coefficients['Kf'] !== 1),
    );
    expect(station).toBeDefined();
    const limit = catalogue.limitAt(station!.id, 'COD', new Date('2024-06-01T03:00:00Z'));
    expect(limit).toBeDefined();
    expect(limit!.regulation).toBe('QCVN 40:2011/BTNMT');
    expect(limit!.base).toBe(limit!.column === 'A' ? 75 : 150);
    const kq = limit!.coefficients['Kq'];
    const kf = limit!.coefficients['Kf'];
    expect(kq).toBeDefined();
    expect(kf).toBeDefined();
    expect(limit!.max).toBeCloseTo(limit!.base * kq! * kf!, 9);
  });

  it('computes a known COD maximum', () => {
    // F002 at Yên Phong: column A (75), Kq 1.0 (Cầu river), Kf 0.9 (6,200 m3/d).
    const limit = catalogue.limitAt('BN-YENPHONG-F002-NT1', 'COD', new Date('2024-06-01T00:00:00Z'));
    expect(limit?.max).toBeCloseTo(67.5, 9);
  });

  it('returns undefined outside the effective dates', () => {
    const id = 'BN-YENPHONG-F002-NT1';
    expect(catalogue.limitAt(id, 'COD', new Date('2011-12-14T12:00:00Z'))).toBeUndefined();
    expect(catalogue.limitAt(id, 'COD', new Date('2011-12-15T00:00:00Z'))).toBeDefined();
    expect(catalogue.limitAt(id, 'COD', new Date('2031-12-31T12:00:00Z'))).toBeDefined();
    expect(catalogue.limitAt(id, 'COD', new Date('2032-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('has no coefficients for pH, and a lower bound', () => {
    const limit = catalogue.limitAt('BN-YENPHONG-F002-NT1', 'pH', new Date('2024-06-01T00:00:00Z'));
    expect(limit).toMatchObject({ base: 9, lower: 6, max: 9, coefficients: {} });
  });

  it('applies Kp x Kv to a stack limit', () => {
    const stack = catalogue.stations.find((s) => s.kind === 'stack');
    expect(stack).toBeDefined();
    const limit = catalogue.limitAt(stack!.id, 'SO2', new Date('2024-06-01T00:00:00Z'));
    expect(limit).toMatchObject({ regulation: 'QCVN 19:2009/BTNMT', column: 'B', base: 500 });
    expect(limit!.max).toBeCloseTo(500 * limit!.coefficients['Kp']! * limit!.coefficients['Kv']!, 9);
  });

  it('returns undefined for a parameter without a limit', () => {
    expect(catalogue.limitAt('BN-YENPHONG-F002-NT1', 'Flow', new Date('2024-06-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('broken catalogues', () => {
  it('rejects a unit that is not a catalogue unit, naming the station and the field', async () => {
    const file = shipped();
    const i = stationIndex(file, (s) => s.kind === 'wastewater');
    const s = at(file.stations, i);
    const j = s.parameters.findIndex((p) => p.parameter === 'COD');
    at(s.parameters, j).unit = 'mg/m3' as never;
    const err = await catalogueErrorAsync(loadCatalogue(await writeTemp(JSON.stringify(file))));
    expect(err.message).toContain(`stations[${i}] (${s.id}).parameters[${j}].unit`);
    expect(err.entry).toBe(`stations[${i}] (${s.id}).parameters[${j}].unit`);
  });

  it('names the unknown unit itself in the message', () => {
    const file = shipped();
    const i = stationIndex(file, (s) => s.kind === 'wastewater');
    const s = at(file.stations, i);
    at(s.parameters, 0).unit = 'furlongs' as never;
    expect(() => parseCatalogue(file)).toThrow(/got "furlongs"/);
  });

  it('rejects a unit the parameter is not measured in, naming the station and the unit', () => {
    const file = shipped();
    const i = stationIndex(file, (s) => s.kind === 'stack');
    const s = at(file.stations, i);
    const j = s.parameters.findIndex((p) => p.parameter === 'SO2');
    at(s.parameters, j).unit = 'ppm';
    const err = catalogueError(() => parseCatalogue(file));
    expect(err.message).toContain(`stations[${i}] (${s.id})`);
    expect(err.message).toContain('ppm');
    expect(err.message).toContain('mg/Nm3');
  });

  it('rejects a duplicate station id, naming the second one', () => {
    const file = shipped();
    const first = at(file.stations, 0);
    const k = 5;
    at(file.stations, k).id = first.id;
    const err = catalogueError(() => parseCatalogue(file));
    expect(err.message).toContain(`stations[${k}] (${first.id})`);
    expect(err.message).toContain('duplicate');
  });

  it('rejects a limit on a parameter the station does not measure', () => {
    const file = shipped();
    const i = stationIndex(file, (s) => s.kind === 'stack');
    const s = at(file.stations, i);
    const j = s.limits.length;
    s.limits.push({ ...at(s.limits, 0), parameter: 'COD' });
    const err = catalogueError(() => parseCatalogue(file));
    expect(err.message).toContain(`stations[${i}] (${s.id}).limits[${j}]`);
    expect(err.message).toContain('COD');
  });

  it('rejects a limit whose parameter was removed from the station', async () => {
    const file = shipped();
    const i = stationIndex(file, (s) => s.kind === 'wastewater');
    const s = at(file.stations, i);
    s.parameters = s.parameters.filter((p) => p.parameter !== 'NH4');
    const j = s.limits.findIndex((l) => l.parameter === 'NH4');
    expect(j).toBeGreaterThanOrEqual(0);
    const err = await catalogueErrorAsync(loadCatalogue(await writeTemp(JSON.stringify(file, null, 2))));
    expect(err.message).toContain(`stations[${i}] (${s.id}).limits[${j}]`);
  });

  it('rejects a facility in an unknown zone', () => {
    const file = shipped();
    const f = at(file.facilities, 3);
    f.zoneId = 'NOWHERE';
    const err = catalogueError(() => parseCatalogue(file));
    expect(err.message).toContain(`facilities[3] (${f.id})`);
    expect(err.message).toContain('NOWHERE');
  });

  it('rejects a bad station id', () => {
    const file = shipped();
    const i = 7;
    at(file.stations, i).id = 'bn-lowercase id';
    const err = catalogueError(() => parseCatalogue(file));
    expect(err.message).toContain(`stations[${i}] (bn-lowercase id).id`);
    expect(err.message).toContain('station id must match');
  });

  it('rejects a file that is not JSON, naming the file', async () => {
    const path = await writeTemp(shippedText.slice(0, 500));
    const err = await catalogueErrorAsync(loadCatalogue(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain('not JSON');
  });

  it('rejects a file that does not exist', async () => {
    const path = join(tmp, 'missing.json');
    const err = await catalogueErrorAsync(loadCatalogue(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain('cannot read');
  });

  it('leaves the shipped catalogue valid after the mutations above', () => {
    expect(() => parseCatalogue(shipped())).not.toThrow();
  });
});
