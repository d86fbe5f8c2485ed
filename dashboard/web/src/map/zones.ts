import type { StationSummary } from '../../../../core/index.js';
import { STATE_ORDER, type StationState } from '../station-state.js';

/** A zone on the map when it is seen from far: its stations, their centroid and their worst state. */
export interface ZoneCluster {
  id: string;
  name: string;
  province: string;
  lat: number;
  lon: number;
  stations: StationSummary[];
  state: StationState;
}

/** A station with no state known yet is shown as interrupted: nothing says it is well. */
export const UNKNOWN_STATE: StationState = 'interrupted';

/** How bad a state is: 0 for normal up to STATE_ORDER.length - 1 for critical; the worst is drawn on top. */
export function stateRank(state: StationState): number {
  return STATE_ORDER.length - 1 - STATE_ORDER.indexOf(state);
}

/** The worst of some states (normal for none). */
export function worstState(states: Iterable<StationState>): StationState {
  let worst: StationState = 'normal';
  for (const s of states) if (stateRank(s) > stateRank(worst)) worst = s;
  return worst;
}

export const stateOf = (states: ReadonlyMap<string, StationState>, id: string): StationState => states.get(id) ?? UNKNOWN_STATE;

/**
 * The stations grouped by zone, each at the mean of its stations' coordinates and in the
 * colour of its worst station, worst zones last so that they are drawn over the others.
 */
export function clusterByZone(stations: readonly StationSummary[], states: ReadonlyMap<string, StationState>): ZoneCluster[] {
  const zones = new Map<string, ZoneCluster>();
  for (const s of stations) {
    let z = zones.get(s.zoneId);
    if (!z) {
      z = { id: s.zoneId, name: s.zoneName, province: s.province, lat: 0, lon: 0, stations: [], state: 'normal' };
      zones.set(s.zoneId, z);
    }
    z.stations.push(s);
  }
  for (const z of zones.values()) {
    z.lat = z.stations.reduce((a, s) => a + s.lat, 0) / z.stations.length;
    z.lon = z.stations.reduce((a, s) => a + s.lon, 0) / z.stations.length;
    z.state = worstState(z.stations.map((s) => stateOf(states, s.id)));
  }
  return byRank([...zones.values()], (z) => z.state);
}

/** Items sorted best state first, worst last (stable): the drawing order, worst on top. */
export function byRank<T>(items: readonly T[], state: (item: T) => StationState): T[] {
  return items
    .map((item, i) => ({ item, i, rank: stateRank(state(item)) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Leaflet stacks markers by their screen y (lower on screen = on top); this offset lifts each
 * state's markers above every marker of a better state whatever their positions.
 */
export const Z_STEP = 100_000;
export const zIndexOffset = (state: StationState): number => stateRank(state) * Z_STEP;
