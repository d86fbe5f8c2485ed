import type { Catalogue } from './catalogue.js';

/**
 * Every series (station, parameter) of the catalogue numbered 0 to seriesCount - 1, in the
 * catalogue's order: the live hub's columns and the alerts worker's reading batches use these
 * numbers, and two threads that load the same catalogue number it the same way.
 */
export interface SeriesIndex {
  /** Station ids, in catalogue order. */
  readonly stations: readonly string[];
  /** Parameter symbols of each station, in the catalogue's order. */
  readonly parameters: ReadonlyArray<readonly string[]>;
  readonly seriesCount: number;
  stationIndex(station: string): number | undefined;
  /** A series' number; -1 for one the catalogue does not list. */
  slotOf(station: string, parameter: string): number;
  /** The station index of each series, and its parameter's position at that station. */
  readonly stationOfSlot: Int32Array;
  readonly paramOfSlot: Int32Array;
}

export function createSeriesIndex(catalogue: Catalogue): SeriesIndex {
  const stations: string[] = [];
  const parameters: string[][] = [];
  const stationIdx = new Map<string, number>();
  const paramIdx: Array<Map<string, number>> = [];
  const firstSlot: number[] = [];
  let seriesCount = 0;
  catalogue.stations.forEach((s, i) => {
    firstSlot.push(seriesCount);
    seriesCount += s.parameters.length;
    stationIdx.set(s.id, i);
    stations.push(s.id);
    parameters.push(s.parameters.map((p) => p.parameter));
    paramIdx.push(new Map(s.parameters.map((p, j) => [p.parameter, j])));
  });
  const stationOfSlot = new Int32Array(seriesCount);
  const paramOfSlot = new Int32Array(seriesCount);
  firstSlot.forEach((first, si) => {
    const n = parameters[si]!.length;
    stationOfSlot.fill(si, first, first + n);
    for (let pi = 0; pi < n; pi++) paramOfSlot[first + pi] = pi;
  });
  let lastStation: string | undefined;
  let lastSi = -1;
  return {
    stations,
    parameters,
    seriesCount,
    stationOfSlot,
    paramOfSlot,
    stationIndex: (station) => stationIdx.get(station),
    slotOf(station, parameter) {
      // The readings of a message come together, with the same station string: look it up once.
      if (station !== lastStation) {
        lastStation = station;
        lastSi = stationIdx.get(station) ?? -1;
      }
      if (lastSi < 0) return -1;
      const pi = paramIdx[lastSi]!.get(parameter);
      return pi === undefined ? -1 : firstSlot[lastSi]! + pi;
    },
  };
}
