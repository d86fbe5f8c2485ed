/**
 * Generates the demo station catalogue, seeds/catalogue.json (docs/DOMAIN.md, "Demo catalogue").
 *
 *   npx tsx scripts/make-catalogue.ts            writes seeds/catalogue.json
 *   npx tsx scripts/make-catalogue.ts --check    fails when the file is not what this script makes
 *
 * Deterministic: every choice is either written out in the tables below or drawn from a
 * seeded PRNG (mulberry32), so two runs give byte-identical output. The output is validated
 * with `parseCatalogue` (core/catalogue.ts) before it is written.
 *
 * Zones are real industrial zones (approximate coordinates); every FACILITY IS FICTIONAL:
 * the company names are invented word-pictures ("Cánh Cò Bạc", "Đầm Lầy Tím"...) and must
 * never be replaced with the name of a real company, which the demo would show as a polluter.
 *
 * Limits are data, per station (i.e. per permit), never constants in code:
 * - Wastewater: QCVN 40:2011/BTNMT, column A where the zone discharges into water used for
 *   drinking supply, else B; Cmax = C x Kq x Kf for TSS, COD, NH4, TN, TP; no coefficients for
 *   Temp, Color, pH (pH has a lower bound too). Kq by receiving water (rivers by flow
 *   0.9-1.2, coastal water 1.0), Kf by the facility's discharge (<=50 m3/d 1.2, <=500 1.1,
 *   <=5,000 1.0, >5,000 0.9). In force from 2011-12-15. QCVN 40:2025/BTNMT replaced it on
 *   2025-09-01, but existing facilities keep QCVN 40:2011 during the transition, to
 *   2031-12-31 inclusive: effectiveTo is exclusive in `limitAt`, hence "2032-01-01". The
 *   2025 numbers are not in hand; add them as further limit entries when they are.
 * - Stacks: QCVN 19:2009/BTNMT column B (PM 200, SO2 500, NOx 850, CO 1000 mg/Nm3);
 *   Cmax = C x Kp x Kv, Kp by stack flow (<=20,000 m3/h 1.0, <=100,000 0.9, above 0.8), Kv by
 *   region (industrial zone 1.0; inner city of a class-I city or within 2 km of it 0.8).
 *   In force from 2010-01-01 to 2031-12-31 inclusive, effectiveTo "2032-01-01" (replaced by QCVN 19:2024/BTNMT
 *   from 2025-07-01, transition assumed as for QCVN 40).
 * - No limits on Flow, P, O2.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { CatalogueFile, Facility, Station } from '../core/catalogue-schema.js';
import { parseCatalogue } from '../core/catalogue.js';
import { createPrng } from '../simulators/prng.js';
import { stackParameters, wastewaterParameters } from './make-catalogue/instruments.js';
import { withPlaces } from './make-catalogue/places.js';
import { stackLimits, wastewaterLimits } from './make-catalogue/regulations.js';
import { FACILITIES, LEGACY_STATIONS, PARAMETERS, SECTORS, ZONES, type FacilitySpec, type ZoneSpec } from './make-catalogue/sites.js';

export const CATALOGUE_PATH = fileURLToPath(new URL('../seeds/catalogue.json', import.meta.url));

const SEED = 20_261_127;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`make-catalogue: missing ${what}`);
  return value;
}

/**
 * A facility's stations: its wastewater outlet and its stacks. `rand` is the one seeded PRNG
 * (mulberry32, simulators/prng.ts) of the whole run, drawn in a fixed order: the site, the
 * outlet's place, then per stack its design flow and its place.
 */
function facilityStations(f: FacilitySpec, zone: ZoneSpec, rand: () => number): Station[] {
  const jitter = (max: number): number => (rand() * 2 - 1) * max;
  const sector = SECTORS[f.sector];
  // The facility's site within ~0.014 deg of the zone point, its stations within ~0.004 of it.
  const siteLat = zone.lat + jitter(0.014);
  const siteLon = zone.lon + jitter(0.014);
  const place = (): { lat: number; lon: number } => ({ lat: round(siteLat + jitter(0.004), 5), lon: round(siteLon + jitter(0.004), 5) });
  const prefix = `${zone.code}-${zone.id}-${f.id}`;
  const legacy = (id: string, suffix: string) =>
    LEGACY_STATIONS.has(id) ? { intervalS: 300, legacyPrefix: `${zone.legacy}_${f.id}_${suffix}` } : { intervalS: 60 };

  const nt = `${prefix}-NT1`;
  const ntParams = wastewaterParameters(f.discharge, sector.nutrients);
  const stations: Station[] = [
    {
      id: nt,
      facilityId: f.id,
      name: `${f.name} – Nước thải, cửa xả số 1`,
      kind: 'wastewater',
      ...place(),
      ...legacy(nt, 'NT'),
      parameters: ntParams,
      limits: wastewaterLimits({ column: zone.column, kq: zone.kq, discharge: f.discharge }, ntParams),
    },
  ];
  for (let n = 1; n <= sector.stacks; n++) {
    const kt = `${prefix}-KT${n}`;
    const designFlow = Math.round((sector.stackFlow * (0.7 + rand() * 0.6)) / 1000) * 1000;
    stations.push({
      id: kt,
      facilityId: f.id,
      name: `${f.name} – Khí thải, ống khói số ${n}`,
      kind: 'stack',
      ...place(),
      ...legacy(kt, n === 1 ? 'KT' : `KT${n}`),
      parameters: stackParameters(designFlow, sector.stackTempMax),
      limits: stackLimits(zone.kv, designFlow),
    });
  }
  return stations;
}

/** Builds the catalogue (pure and deterministic); validates it with parseCatalogue. */
export function buildCatalogue(): CatalogueFile {
  const rand = createPrng(SEED);
  const zoneById = new Map(ZONES.map((z) => [z.id, z]));
  const stations = FACILITIES.flatMap((f) => facilityStations(f, must(zoneById.get(f.zoneId), `zone ${f.zoneId}`), rand));
  for (const id of LEGACY_STATIONS)
    must(
      stations.find((s) => s.id === id),
      `legacy station ${id}`,
    );

  const used = new Set(stations.flatMap((s) => s.parameters.map((p) => p.parameter)));
  const places = withPlaces(
    ZONES,
    ZONES.map(({ id, name, province, lat, lon }) => ({ id, name, province, lat, lon })),
    FACILITIES.map(({ id, zoneId, name, sector }): Facility => ({ id, zoneId, name, sector })),
    stations,
  );
  const catalogue: CatalogueFile = {
    version: 1,
    parameters: PARAMETERS.filter((p) => used.has(p.symbol)),
    zones: places.zones,
    waters: places.waters,
    facilities: places.facilities,
    stations: places.stations,
  };
  parseCatalogue(catalogue); // throws a CatalogueError naming the bad entry
  return catalogue;
}

/** The exact text of seeds/catalogue.json. */
export function catalogueText(): string {
  return `${JSON.stringify(buildCatalogue(), null, 2)}\n`;
}

async function main(): Promise<void> {
  const text = catalogueText();
  // Round-trip the text itself too, so what is written is what loads.
  parseCatalogue(JSON.parse(text));
  const c = JSON.parse(text) as CatalogueFile;
  const summary =
    `${c.zones.length} zones, ${c.facilities.length} facilities, ${c.stations.length} stations ` +
    `(${c.stations.filter((s) => s.kind === 'wastewater').length} wastewater, ${c.stations.filter((s) => s.kind === 'stack').length} stack)`;
  if (process.argv.includes('--check')) {
    const current = await readFile(CATALOGUE_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`${CATALOGUE_PATH} is out of date: run npx tsx scripts/make-catalogue.ts`);
      process.exitCode = 1;
      return;
    }
    console.log(`${CATALOGUE_PATH} is up to date: ${summary}`);
    return;
  }
  await writeFile(CATALOGUE_PATH, text, 'utf8');
  console.log(`wrote ${CATALOGUE_PATH}: ${summary}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
