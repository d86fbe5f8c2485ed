import { createSeriesIndex, wireValue, type Catalogue, type LiveIndex, type LiveRow, type Reading } from '../../core/index.js';

export interface LiveEncoder {
  readonly index: LiveIndex;
  stationIndex(station: string): number | undefined;
  /** How many series (station, parameter) the index holds. */
  readonly seriesCount: number;
  /** A series' number, 0 to seriesCount - 1; -1 for one the catalogue does not list. */
  slotOf(station: string, parameter: string): number;
  /** The station index of each series, and its parameter's position at that station. */
  readonly stationOfSlot: Int32Array;
  readonly paramOfSlot: Int32Array;
  /** Rows for these readings, one per (station, measurement time), against `serverTime`. */
  rows(readings: Iterable<Reading>, serverTime: number): LiveRow[];
}

/**
 * The compact encoding of core/live.ts. The index follows the catalogue's order; a reading
 * of a station or parameter the catalogue does not list (impossible after ingest's
 * validation) is left out rather than breaking the frame.
 */
export function createLiveEncoder(catalogue: Catalogue): LiveEncoder {
  const series = createSeriesIndex(catalogue);
  const index: LiveIndex = {
    stations: [...series.stations],
    zones: catalogue.stations.map((s) => catalogue.zoneOf(s.id)?.id ?? ''),
    parameters: series.parameters.map((p) => [...p]),
    units: catalogue.stations.map((s) => s.parameters.map((p) => p.unit)),
  };
  const { stationOfSlot, paramOfSlot, seriesCount } = series;

  return {
    index,
    stationOfSlot,
    paramOfSlot,
    stationIndex: (station) => series.stationIndex(station),
    seriesCount,
    slotOf: (station, parameter) => series.slotOf(station, parameter),
    rows(readings, serverTime) {
      // station index -> ts -> row under construction
      const groups = new Map<number, Map<number, { values: Array<number | null>; statuses: string[] | undefined }>>();
      for (const r of readings) {
        const slot = series.slotOf(r.station, r.parameter);
        if (slot < 0) continue;
        const si = stationOfSlot[slot]!;
        const pi = paramOfSlot[slot]!;
        let byTs = groups.get(si);
        if (!byTs) groups.set(si, (byTs = new Map()));
        let row = byTs.get(r.ts);
        if (!row) byTs.set(r.ts, (row = { values: [], statuses: undefined }));
        while (row.values.length <= pi) row.values.push(null);
        row.values[pi] = wireValue(r.value);
        if (r.status !== '00' || row.statuses) {
          row.statuses ??= [];
          row.statuses[pi] = r.status[1]!;
        }
      }
      const out: LiveRow[] = [];
      for (const [si, byTs] of groups) {
        for (const [ts, row] of byTs) {
          const line: LiveRow = [si, ts - serverTime, ...row.values];
          if (row.statuses && row.statuses.some((d) => d !== undefined && d !== '0')) {
            line.push(Array.from({ length: row.values.length }, (_, i) => row.statuses![i] ?? '0').join(''));
          }
          out.push(line);
        }
      }
      return out;
    },
  };
}
