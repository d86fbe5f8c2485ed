import type { StationSummary } from '../../../../core/index.js';
import type { StationState } from '../station-state.js';

/** The overview's filters: '' means any. */
export interface Filter {
  zone: string;
  province: string;
  kind: string;
  state: string;
  search: string;
}

export const EMPTY_FILTER: Filter = { zone: '', province: '', kind: '', state: '', search: '' };

/**
 * The stations the filters let through, in their order. `zone` (the page's, from the URL)
 * wins over the filter's; every word of the search must appear in the id, name, facility,
 * zone or province.
 */
export function filterStations(
  stations: readonly StationSummary[],
  f: Filter,
  zone: string | undefined,
  states: ReadonlyMap<string, StationState>,
): StationSummary[] {
  const inZone = zone ?? f.zone;
  const words = f.search
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  return stations.filter(
    (s) =>
      (inZone === '' || s.zoneId === inZone) &&
      (f.province === '' || s.province === f.province) &&
      (f.kind === '' || s.kind === f.kind) &&
      (f.state === '' || states.get(s.id) === f.state) &&
      words.every((w) => `${s.id} ${s.name} ${s.facilityName} ${s.zoneName} ${s.province}`.toLowerCase().includes(w)),
  );
}
