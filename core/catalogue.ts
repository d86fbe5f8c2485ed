import { readFile } from 'node:fs/promises';

import {
  CatalogueSchema,
  type CatalogueFile,
  type Facility,
  type Limit,
  type Station,
  type StationParameter,
  type Zone,
} from './catalogue-schema.js';
import { CatalogueError } from './errors.js';

/** The validated catalogue with the look-ups the hot path needs. */
export interface Catalogue extends CatalogueFile {
  station(id: string): Station | undefined;
  zoneOf(stationId: string): Zone | undefined;
  facility(id: string): Facility | undefined;
  stationParameter(stationId: string, parameter: string): StationParameter | undefined;
  /** The limit in force at `at` for a station's parameter, with Cmax computed. */
  limitAt(stationId: string, parameter: string, at: Date): EffectiveLimit | undefined;
}

export interface EffectiveLimit extends Limit {
  /** base x product of coefficients. */
  max: number;
}

export async function loadCatalogue(path: string): Promise<Catalogue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CatalogueError(path, `cannot read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CatalogueError(path, `not JSON: ${(err as Error).message}`);
  }
  return parseCatalogue(raw);
}

/** Validates a catalogue and builds its indexes; throws a CatalogueError naming the bad entry. */
export function parseCatalogue(raw: unknown): Catalogue {
  const parsed = CatalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const value = valueAt(raw, issue.path);
    const got = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
    throw new CatalogueError(describePath(raw, issue.path), `${issue.message}${got}`);
  }
  const file = parsed.data;
  const zones = uniqueIndex(file.zones, 'zones');
  const facilities = uniqueIndex(file.facilities, 'facilities');
  const stations = uniqueIndex(file.stations, 'stations');
  const symbols = new Map(file.parameters.map((p) => [p.symbol, p]));
  if (symbols.size !== file.parameters.length) throw new CatalogueError('parameters', 'duplicate parameter symbol');

  file.facilities.forEach((f, i) => {
    if (!zones.has(f.zoneId)) throw new CatalogueError(`facilities[${i}] (${f.id})`, `unknown zone "${f.zoneId}"`);
  });
  const params = new Map<string, Map<string, StationParameter>>();
  file.stations.forEach((s, i) => {
    const where = `stations[${i}] (${s.id})`;
    if (!facilities.has(s.facilityId)) throw new CatalogueError(where, `unknown facility "${s.facilityId}"`);
    const own = new Map<string, StationParameter>();
    s.parameters.forEach((p, j) => {
      const def = symbols.get(p.parameter);
      if (!def) throw new CatalogueError(`${where}.parameters[${j}]`, `unknown parameter "${p.parameter}"`);
      if (!def.units.includes(p.unit))
        throw new CatalogueError(`${where}.parameters[${j}]`, `${p.parameter} is measured in ${def.units.join(' or ')}, not ${p.unit}`);
      if (own.has(p.parameter)) throw new CatalogueError(`${where}.parameters[${j}]`, `duplicate parameter "${p.parameter}"`);
      own.set(p.parameter, p);
    });
    s.limits.forEach((l, j) => {
      if (!own.has(l.parameter))
        throw new CatalogueError(`${where}.limits[${j}]`, `limit on unknown parameter "${l.parameter}" (not measured at this station)`);
      if (l.effectiveTo !== undefined && l.effectiveTo <= l.effectiveFrom)
        throw new CatalogueError(`${where}.limits[${j}]`, 'effectiveTo must be after effectiveFrom');
    });
    params.set(s.id, own);
  });
  checkPlaces(file, stations, facilities);
  const legacy = new Set<string>();
  file.stations.forEach((s, i) => {
    const prefix = s.legacyPrefix ?? s.id;
    if (legacy.has(prefix)) throw new CatalogueError(`stations[${i}] (${s.id})`, `duplicate legacy prefix "${prefix}"`);
    legacy.add(prefix);
  });

  const zoneByStation = new Map<string, Zone>();
  for (const s of file.stations) zoneByStation.set(s.id, zones.get(facilities.get(s.facilityId)!.zoneId)!);

  return {
    ...file,
    station: (id) => stations.get(id),
    zoneOf: (id) => zoneByStation.get(id),
    facility: (id) => facilities.get(id),
    stationParameter: (id, parameter) => params.get(id)?.get(parameter),
    limitAt: (id, parameter, at) => {
      const day = at.toISOString().slice(0, 10);
      const limit = stations
        .get(id)
        ?.limits.find((l) => l.parameter === parameter && l.effectiveFrom <= day && (l.effectiveTo === undefined || day < l.effectiveTo));
      if (!limit) return undefined;
      const factor = Object.values(limit.coefficients).reduce((a, b) => a * b, 1);
      return { ...limit, max: limit.base * factor };
    },
  };
}

/** Every station's receiving water exists; every treatment plant's stations exist and belong to its zone. */
function checkPlaces(file: CatalogueFile, stations: Map<string, Station>, facilities: Map<string, Facility>): void {
  const waters = uniqueIndex(file.waters ?? [], 'waters');
  file.stations.forEach((s, i) => {
    if (s.water && !waters.has(s.water.body))
      throw new CatalogueError(`stations[${i}] (${s.id}).water`, `unknown water body "${s.water.body}"`);
  });
  file.zones.forEach((z, i) => {
    for (const side of ['inlet', 'outlet'] as const) {
      const id = z.treatmentPlant?.[side];
      if (id === undefined) continue;
      const station = stations.get(id);
      if (!station || facilities.get(station.facilityId)?.zoneId !== z.id)
        throw new CatalogueError(`zones[${i}] (${z.id}).treatmentPlant.${side}`, `"${id}" is not a station of zone ${z.id}`);
    }
  });
}

function uniqueIndex<T extends { id: string }>(items: T[], name: string): Map<string, T> {
  const index = new Map<string, T>();
  items.forEach((item, i) => {
    if (index.has(item.id)) throw new CatalogueError(`${name}[${i}] (${item.id})`, `duplicate id "${item.id}"`);
    index.set(item.id, item);
  });
  return index;
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node: unknown = raw;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

/** `stations[3] (BN-X).parameters[1].unit` from a zod issue path. */
function describePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  let node: unknown = raw;
  for (const key of path) {
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      out += `[${key}]`;
      const id =
        node !== null && typeof node === 'object'
          ? ((node as { id?: unknown; symbol?: unknown }).id ?? (node as { symbol?: unknown }).symbol)
          : undefined;
      if (typeof id === 'string') out += ` (${id})`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
    }
  }
  return out === '' ? 'catalogue' : out;
}
