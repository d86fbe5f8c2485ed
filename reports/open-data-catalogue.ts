import type { Catalogue } from '../core/index.js';
import { VALIDITY_RULES } from './build-reports.js';
import { stationHeading, type StationHeading } from './station-heading.js';

export const OPEN_PREFIX = '/api/open';

export interface OpenStation extends StationHeading {
  lat: number;
  lon: number;
  intervalS: number;
  parameters: Array<{ parameter: string; unit: string }>;
}

/** The catalogue as the open data lists it (`/api/open/stations`, `/api/open/zones`): computed once at start. */
export function openDataCatalogue(catalogue: Catalogue): { stations: OpenStation[]; zones: unknown[] } {
  const stations = catalogue.stations.map((s): OpenStation => ({
    ...stationHeading(catalogue, s),
    lat: s.lat,
    lon: s.lon,
    intervalS: s.intervalS,
    parameters: s.parameters.map((p) => ({ parameter: p.parameter, unit: p.unit })),
  }));
  const zones = catalogue.zones.map((z) => ({ ...z, stations: stations.filter((s) => s.zoneId === z.id).map((s) => s.id) }));
  return { stations, zones };
}

/** `/api/open`: what is here, with the validity rules the figures follow. */
export function openDataIndex(): unknown {
  return {
    name: 'quantrac open data: automatic monitoring of industrial discharges',
    timezone: 'UTC+07:00',
    validityRules: VALIDITY_RULES,
    endpoints: {
      stations: `${OPEN_PREFIX}/stations`,
      zones: `${OPEN_PREFIX}/zones`,
      hourly: `${OPEN_PREFIX}/stations/{stationId}/hourly?date=YYYY-MM-DD[&format=csv]`,
      zoneDailyCsv: `${OPEN_PREFIX}/zones/{zoneId}/daily.csv?date=YYYY-MM-DD`,
      zoneDaily: `${OPEN_PREFIX}/zones/{zoneId}/daily?date=YYYY-MM-DD`,
    },
    access: 'read-only (GET, HEAD); any origin (CORS); rate-limited per client address (HTTP 429 with Retry-After)',
  };
}
