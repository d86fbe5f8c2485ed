import type { CatalogueFile, Facility, Parameter, Station, WaterBody, Zone } from './catalogue-schema.js';
import { parseCatalogue } from './catalogue.js';

/**
 * The national catalogue made from the provinces' (docs/RELAY.md, "The national catalogue").
 * A province centre forwards its readings to the nation under the same station ids, so the
 * nation's catalogue must hold every province's zones, facilities, stations and parameters
 * exactly as the provinces define them: an entry two files define identically (the shared
 * parameter table, a zone both list) is kept once; the same id defined two ways is a clash,
 * reported, never settled by picking one.
 */

/** What a clash is about: an id of one of these kinds defined differently in two files. */
export type ClashKind = 'parameter' | 'zone' | 'facility' | 'station' | 'legacy prefix' | 'water body';

export interface CatalogueClash {
  kind: ClashKind;
  /** The parameter symbol, zone, facility or station id, or the legacy file-name prefix. */
  id: string;
  /** The files (their names as given) that define it, in order; the first two differ. */
  files: string[];
}

/** One province's catalogue, already validated (loadCatalogue), with the name its file was given by. */
export interface CatalogueSource {
  name: string;
  file: CatalogueFile;
}

export type MergeResult = { ok: true; catalogue: CatalogueFile } | { ok: false; clashes: CatalogueClash[] };

/** JSON with object keys sorted, so two entries compare equal whatever order their keys were written in. Array order counts. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Collects the entries of one kind from every source by key: the first definition is kept, a
 * later identical one is dropped, a later different one is a clash (listing every file that
 * defines the key, once the definitions differ).
 */
export class KeyedMerge<T> {
  private readonly kept = new Map<string, { item: T; text: string; files: string[]; differs: boolean }>();

  constructor(
    private readonly kind: ClashKind,
    private readonly keyOf: (item: T) => string,
    /** What is compared: the item itself unless only part of it must agree. */
    private readonly contentOf: (item: T) => unknown = (item) => item,
  ) {}

  add(source: string, item: T): void {
    const key = this.keyOf(item);
    const text = canonicalJson(this.contentOf(item));
    const seen = this.kept.get(key);
    if (!seen) {
      this.kept.set(key, { item, text, files: [source], differs: false });
      return;
    }
    if (!seen.files.includes(source)) seen.files.push(source);
    if (seen.text !== text) seen.differs = true;
  }

  items(): T[] {
    return [...this.kept.values()].map((e) => e.item);
  }

  clashes(): CatalogueClash[] {
    return [...this.kept.entries()].filter(([, e]) => e.differs).map(([id, e]) => ({ kind: this.kind, id, files: e.files }));
  }
}

/**
 * Merges the provinces' catalogues into one: parameters, zones, facilities and stations in the
 * order first met, identical duplicates once. Clashes: the same parameter symbol, zone,
 * facility or station id defined differently, or one legacy file-name prefix (docs/LEGACY.md)
 * used by two different stations, since the legacy adapter finds a file's station by it.
 * The result is validated as a catalogue (parseCatalogue); a CatalogueError from that names the entry.
 */
export function mergeCatalogues(sources: readonly CatalogueSource[]): MergeResult {
  const parameters = new KeyedMerge<Parameter>('parameter', (p) => p.symbol);
  const zones = new KeyedMerge<Zone>('zone', (z) => z.id);
  const facilities = new KeyedMerge<Facility>('facility', (f) => f.id);
  const stations = new KeyedMerge<Station>('station', (s) => s.id);
  const waters = new KeyedMerge<WaterBody>('water body', (w) => w.id);
  // Keyed by prefix, compared by station id: two stations sharing a prefix clash even when each is defined once.
  const prefixes = new KeyedMerge<Station>(
    'legacy prefix',
    (s) => s.legacyPrefix ?? s.id,
    (s) => s.id,
  );
  for (const { name, file } of sources) {
    file.parameters.forEach((p) => parameters.add(name, p));
    file.zones.forEach((z) => zones.add(name, z));
    file.facilities.forEach((f) => facilities.add(name, f));
    file.stations.forEach((s) => stations.add(name, s));
    file.stations.forEach((s) => prefixes.add(name, s));
    file.waters?.forEach((w) => waters.add(name, w));
  }
  const clashes = [parameters, zones, facilities, stations, prefixes, waters].flatMap((m) => m.clashes());
  if (clashes.length > 0) return { ok: false, clashes };
  const merged: CatalogueFile = {
    version: 1,
    parameters: parameters.items(),
    zones: zones.items(),
    facilities: facilities.items(),
    stations: stations.items(),
    ...(waters.items().length > 0 ? { waters: waters.items() } : {}),
  };
  parseCatalogue(merged);
  return { ok: true, catalogue: merged };
}

/** `station BN-X: defined differently in bn.json, hn.json`: one line per clash, for the CLI. */
export function describeClash(clash: CatalogueClash): string {
  const how = clash.kind === 'legacy prefix' ? 'used by different stations in' : 'defined differently in';
  return `${clash.kind} ${JSON.stringify(clash.id)}: ${how} ${clash.files.join(', ')}`;
}

/** Counts per province (docs/DOMAIN.md: a zone lies in one province), in the catalogue's order of zones. */
export interface ProvinceCounts {
  province: string;
  zones: number;
  facilities: number;
  stations: number;
}

/** How many zones, facilities and stations each province has: what `quantrac catalogue check` prints. */
export function countsByProvince(file: CatalogueFile): ProvinceCounts[] {
  const byProvince = new Map<string, ProvinceCounts>();
  const provinceOfZone = new Map<string, ProvinceCounts>();
  for (const z of file.zones) {
    const province = z.province.normalize('NFC');
    const counts = byProvince.get(province) ?? { province, zones: 0, facilities: 0, stations: 0 };
    counts.zones++;
    byProvince.set(province, counts);
    provinceOfZone.set(z.id, counts);
  }
  const provinceOfFacility = new Map<string, ProvinceCounts>();
  for (const f of file.facilities) {
    const counts = provinceOfZone.get(f.zoneId);
    if (!counts) continue;
    counts.facilities++;
    provinceOfFacility.set(f.id, counts);
  }
  for (const s of file.stations) {
    const counts = provinceOfFacility.get(s.facilityId);
    if (counts) counts.stations++;
  }
  return [...byProvince.values()];
}
