import type { Catalogue, Reading, SeriesIndex, Status } from '../core/index.js';

/** Numbers per reading in a batch: series * 4 + status, ts, receivedAt, value. */
const STRIDE = 4;
const STATUSES: readonly Status[] = ['00', '01', '02'];
const STATUS_CODE: Record<Status, number> = { '00': 0, '01': 1, '02': 2 };

/**
 * Readings packed in one Float64Array for the alerts worker: posting it moves the buffer to
 * the worker (no copy, no structured clone of objects), so the main thread spends a few
 * stores per reading instead of the rules' evaluation.
 */
export interface ReadingBatch {
  n: number;
  data: Float64Array;
}

export interface ReadingBatcher {
  /** Adds a reading; false for a series the catalogue does not list (impossible after validation). */
  push(r: Reading): boolean;
  readonly size: number;
  /** The readings so far, in a buffer of their own; the batcher starts over. */
  take(): ReadingBatch | undefined;
}

export function createReadingBatcher(index: SeriesIndex, capacity = 8192): ReadingBatcher {
  let data = new Float64Array(capacity * STRIDE);
  let n = 0;
  return {
    get size() {
      return n;
    },
    push(r) {
      const slot = index.slotOf(r.station, r.parameter);
      if (slot < 0) return false;
      if (n * STRIDE === data.length) {
        const bigger = new Float64Array(data.length * 2);
        bigger.set(data);
        data = bigger;
      }
      const o = n * STRIDE;
      data[o] = slot * 4 + (STATUS_CODE[r.status] ?? 0);
      data[o + 1] = r.ts;
      data[o + 2] = r.receivedAt;
      data[o + 3] = r.value;
      n += 1;
      return true;
    },
    take() {
      if (n === 0) return undefined;
      // A copy of just the readings: the working buffer stays here for the next batch, and
      // what is handed over (and freed by the other thread) is no bigger than it needs to be.
      const batch = { n, data: data.slice(0, n * STRIDE) };
      n = 0;
      return batch;
    },
  };
}

/** Turns batches back into readings, with zone and unit from the catalogue. */
export function createReadingUnpacker(index: SeriesIndex, catalogue: Catalogue): (batch: ReadingBatch) => Generator<Reading> {
  const zones = index.stations.map((s) => catalogue.zoneOf(s)?.id ?? '');
  const units = index.stations.map((s) => catalogue.station(s)?.parameters.map((p) => p.unit) ?? []);
  return function* unpack({ n, data }) {
    for (let i = 0; i < n; i++) {
      const o = i * STRIDE;
      const code = data[o]!;
      const slot = Math.floor(code / 4);
      const si = index.stationOfSlot[slot]!;
      const pi = index.paramOfSlot[slot]!;
      yield {
        station: index.stations[si]!,
        zone: zones[si]!,
        parameter: index.parameters[si]![pi]!,
        value: data[o + 3]!,
        unit: units[si]![pi]!,
        status: STATUSES[code - slot * 4] ?? '00',
        ts: data[o + 1]!,
        receivedAt: data[o + 2]!,
      };
    }
  };
}
