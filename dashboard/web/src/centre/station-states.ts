import type { Alert, StationSummary } from '../../../../core/index.js';
import type { StationLatest } from '../live/latest-store.js';
import { alertsByStation } from '../model/alerts.js';
import { stationState, type StationState } from '../station-state.js';

/** What the states are derived from: the live data, the catalogue and the centre's clock. */
export interface StatesInput {
  /** Bumped by the live data on any change. */
  version: number;
  /** Browser time of the clock's last tick: staleness moves with it. */
  tick: number;
  /** The centre's clock, epoch ms. */
  now: number;
  stations: readonly StationSummary[];
  latest: ReadonlyMap<string, StationLatest>;
  alerts: ReadonlyMap<string, Alert>;
  online: ReadonlyMap<string, boolean>;
}

/**
 * Every station's state (station-state.ts) and its open alerts, recomputed only when data,
 * alerts, presence or the clock moved. Same content, same Map: rows and map markers keep
 * their guards.
 */
export class StationStates {
  states: ReadonlyMap<string, StationState> = new Map();
  alertsByStation: ReadonlyMap<string, Alert[]> = new Map();
  #key = '';

  update(input: StatesInput): void {
    const key = `${input.version}|${input.tick}|${input.stations.length}`;
    if (key === this.#key) return;
    this.#key = key;
    const byStation = alertsByStation(input.alerts.values());
    this.alertsByStation = byStation;
    const states = new Map<string, StationState>();
    for (const s of input.stations) {
      states.set(
        s.id,
        stationState({
          station: s,
          latest: input.latest.get(s.id),
          alerts: byStation.get(s.id) ?? [],
          online: input.online.get(s.id),
          now: input.now,
        }),
      );
    }
    const prev = this.states;
    const same = prev.size === states.size && [...states].every(([id, st]) => prev.get(id) === st);
    if (!same) this.states = states;
  }
}
