import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  countsByProvince,
  describeClash,
  KeyedMerge,
  mergeCatalogues,
  type CatalogueSource,
} from '../../core/catalogue-merge.js';
import { CatalogueError, parseCatalogue, type CatalogueFile } from '../../core/index.js';
import { provinceCatalogue } from '../helpers/two-centres.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
let seedText: string;

beforeAll(async () => {
  seedText = await readFile(SEED, 'utf8');
});

/** The shipped catalogue, validated (defaults applied, as loadCatalogue gives it). */
function seed(): CatalogueFile {
  const { version, parameters, zones, waters, facilities, stations } = parseCatalogue(JSON.parse(seedText));
  return structuredClone({ version, parameters, zones, ...(waters ? { waters } : {}), facilities, stations });
}

function province(file: CatalogueFile, name: string): CatalogueFile {
  return structuredClone(provinceCatalogue(file, name));
}

/** The seed split by province, one source per province, as the provinces would send theirs. */
function provinces(): CatalogueSource[] {
  const file = seed();
  const names = [...new Set(file.zones.map((z) => z.province))];
  return names.map((name) => ({ name: `${name}.json`, file: province(file, name) }));
}

function mustMerge(sources: CatalogueSource[]): CatalogueFile {
  const result = mergeCatalogues(sources);
  if (!result.ok) throw new Error(result.clashes.map(describeClash).join('\n'));
  return result.catalogue;
}

describe('mergeCatalogues', () => {
  it('the provinces of the seed merge back into the seed: every entry once, the parameter table kept once', () => {
    const sources = provinces();
    expect(sources.length).toBeGreaterThan(3);
    const merged = mustMerge(sources);
    const whole = seed();
    expect(merged.parameters).toEqual(whole.parameters);
    expect(merged.zones).toEqual(whole.zones);
    expect(new Set(merged.facilities.map((f) => f.id))).toEqual(new Set(whole.facilities.map((f) => f.id)));
    expect(merged.stations.map((s) => s.id).sort()).toEqual(whole.stations.map((s) => s.id).sort());
    expect(merged.stations).toHaveLength(whole.stations.length);
    expect(() => parseCatalogue(merged)).not.toThrow();
  });

  it('keeps entries in the order first met: the first file first', () => {
    const [a, b] = provinces();
    const merged = mustMerge([b!, a!]);
    expect(merged.zones[0]!.province).toBe(b!.file.zones[0]!.province);
    expect(merged.stations[0]!.id).toBe(b!.file.stations[0]!.id);
  });

  it('an entry both files define identically (a shared zone, facility, station) is kept once, whatever its key order', () => {
    const [a, b] = provinces();
    const shared = structuredClone(a!.file.stations[0]!);
    const facility = a!.file.facilities.find((f) => f.id === shared.facilityId)!;
    const zone = a!.file.zones.find((z) => z.id === facility.zoneId)!;
    // The same station written with its keys in another order is the same station.
    const reordered = Object.fromEntries(Object.entries(shared).reverse()) as typeof shared;
    b!.file.zones.push({ ...zone });
    b!.file.facilities.push({ ...facility });
    b!.file.stations.push(reordered);
    const merged = mustMerge([a!, b!]);
    expect(merged.stations.filter((s) => s.id === shared.id)).toHaveLength(1);
    expect(merged.zones.filter((z) => z.id === zone.id)).toHaveLength(1);
    expect(merged.facilities.filter((f) => f.id === facility.id)).toHaveLength(1);
    expect(merged.stations).toHaveLength(a!.file.stations.length + b!.file.stations.length - 1);
  });

  it('an omitted default (limits: []) is the same as the default written out: both files are validated first', () => {
    const text = JSON.parse(seedText) as { stations: Array<{ limits?: unknown[] }> };
    const bare = structuredClone(text);
    for (const s of bare.stations) if (s.limits?.length === 0) delete s.limits;
    const one = parseCatalogue(text);
    const two = parseCatalogue(bare);
    const merged = mustMerge([
      { name: 'a.json', file: one },
      { name: 'b.json', file: two },
    ]);
    expect(merged.stations).toHaveLength(one.stations.length);
  });

  it.each([
    [
      'parameter',
      (f: CatalogueFile) => {
        f.parameters[0]!.nameVi = 'một tên khác';
      },
      (f: CatalogueFile) => f.parameters[0]!.symbol,
    ],
    [
      'zone',
      (f: CatalogueFile) => {
        f.zones[0]!.lat += 0.01;
      },
      (f: CatalogueFile) => f.zones[0]!.id,
    ],
    [
      'facility',
      (f: CatalogueFile) => {
        f.facilities[0]!.name = 'Another name';
      },
      (f: CatalogueFile) => f.facilities[0]!.id,
    ],
    [
      'station',
      (f: CatalogueFile) => {
        f.stations[0]!.intervalS = 300;
      },
      (f: CatalogueFile) => f.stations[0]!.id,
    ],
  ])('a %s defined differently in two files is a clash naming both files', (kind, change, idOf) => {
    const [a] = provinces();
    const copy = structuredClone(a!.file);
    change(copy);
    const result = mergeCatalogues([a!, { name: 'other.json', file: copy }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.clashes).toEqual([{ kind, id: idOf(copy), files: [a!.name, 'other.json'] }]);
  });

  it('a station limit differing (a new permit in one file) is a station clash', () => {
    const [a] = provinces();
    const copy = structuredClone(a!.file);
    const s = copy.stations.find((x) => x.limits.length > 0)!;
    s.limits[0]!.base *= 2;
    const result = mergeCatalogues([a!, { name: 'b.json', file: copy }]);
    expect(result).toEqual({ ok: false, clashes: [{ kind: 'station', id: s.id, files: [a!.name, 'b.json'] }] });
  });

  it('two different stations using one legacy file-name prefix clash, also when one uses its id as the prefix', () => {
    const [a, b] = provinces();
    b!.file.stations[0]!.legacyPrefix = 'SHARED_PREFIX';
    a!.file.stations[0]!.legacyPrefix = 'SHARED_PREFIX';
    const first = mergeCatalogues([a!, b!]);
    expect(first).toEqual({ ok: false, clashes: [{ kind: 'legacy prefix', id: 'SHARED_PREFIX', files: [a!.name, b!.name] }] });

    const [c, d] = provinces();
    d!.file.stations[0]!.legacyPrefix = c!.file.stations[0]!.id;
    delete c!.file.stations[0]!.legacyPrefix;
    const second = mergeCatalogues([c!, d!]);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.clashes).toEqual([{ kind: 'legacy prefix', id: c!.file.stations[0]!.id, files: [c!.name, d!.name] }]);
  });

  it('lists every clash at once, each kind in turn, and a key defined in three files names all three', () => {
    const [a] = provinces();
    const b = structuredClone(a!.file);
    const c = structuredClone(a!.file);
    b.stations[0]!.name = 'renamed in b';
    b.zones[0]!.name = 'renamed in b';
    c.stations[1]!.lat += 0.001;
    const result = mergeCatalogues([a!, { name: 'b.json', file: b }, { name: 'c.json', file: c }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.clashes).toEqual([
      { kind: 'zone', id: b.zones[0]!.id, files: [a!.name, 'b.json', 'c.json'] },
      { kind: 'station', id: b.stations[0]!.id, files: [a!.name, 'b.json', 'c.json'] },
      { kind: 'station', id: c.stations[1]!.id, files: [a!.name, 'b.json', 'c.json'] },
    ]);
    expect(describeClash(result.clashes[1]!)).toBe(`station "${b.stations[0]!.id}": defined differently in ${a!.name}, b.json, c.json`);
  });

  it('the merged whole is validated again: a cross-file break is a CatalogueError', () => {
    // Each source here is not validated (mergeCatalogues trusts its caller for that); the whole is.
    const [a, b] = provinces();
    b!.file.stations[0]!.facilityId = 'NO-SUCH-FACILITY';
    expect(() => mergeCatalogues([a!, b!])).toThrow(CatalogueError);
  });
});

describe('KeyedMerge and canonicalJson', () => {
  it('compares content with sorted keys and ordered arrays', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe(canonicalJson({ a: [2, { c: 2, d: 1 }], b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('keeps the first definition and reports a clash only when a later one differs', () => {
    const m = new KeyedMerge<{ id: string; v: number }>('zone', (x) => x.id);
    m.add('a', { id: 'Z1', v: 1 });
    m.add('b', { id: 'Z1', v: 1 });
    m.add('b', { id: 'Z2', v: 1 });
    expect(m.clashes()).toEqual([]);
    m.add('c', { id: 'Z2', v: 2 });
    expect(m.items()).toEqual([
      { id: 'Z1', v: 1 },
      { id: 'Z2', v: 1 },
    ]);
    expect(m.clashes()).toEqual([{ kind: 'zone', id: 'Z2', files: ['b', 'c'] }]);
  });
});

describe('countsByProvince', () => {
  it('counts zones, facilities and stations per province; they add up to the whole', () => {
    const file = seed();
    const counts = countsByProvince(file);
    expect(counts.map((c) => c.province)).toEqual([...new Set(file.zones.map((z) => z.province))]);
    expect(counts.reduce((n, c) => n + c.stations, 0)).toBe(file.stations.length);
    expect(counts.reduce((n, c) => n + c.facilities, 0)).toBe(file.facilities.length);
    expect(counts.reduce((n, c) => n + c.zones, 0)).toBe(file.zones.length);
    const bn = counts.find((c) => c.province === 'Bắc Ninh')!;
    expect(bn.stations).toBe(province(file, 'Bắc Ninh').stations.length);
  });

  it('a province name written in decomposed Unicode counts with its composed form', () => {
    const file = seed();
    const bnZone = file.zones.find((z) => z.province === 'Bắc Ninh')!;
    file.zones.push({ ...bnZone, id: 'BN-EXTRA', province: 'Bắc Ninh'.normalize('NFD') });
    const counts = countsByProvince(file);
    expect(counts.filter((c) => c.province === 'Bắc Ninh')).toHaveLength(1);
    expect(counts.find((c) => c.province === 'Bắc Ninh')!.zones).toBe(2);
  });
});
