import type { SimulatedReading } from './station-script.js';

/** A reading waiting in the gateway's store, with its own measurement time. */
export type StoredReading = SimulatedReading & { ts: number };

/**
 * The data logger's store for store-and-forward: readings kept while the gateway cannot
 * deliver, oldest first. Bounded (loggers keep at least 60 days, docs/DOMAIN.md; here a count):
 * when full, the oldest readings are overwritten, as loggers do, and counted in `overflowed`.
 */
export interface Backlog {
  readonly size: number;
  readonly overflowed: number;
  push(readings: readonly StoredReading[]): void;
  /** Puts readings back at the front (a delivery that was not acknowledged). */
  unshift(readings: readonly StoredReading[]): void;
  take(max: number): StoredReading[];
}

export function createBacklog(maxReadings: number): Backlog {
  let items: StoredReading[] = [];
  let head = 0;
  let overflowed = 0;
  const trim = (): void => {
    const excess = items.length - head - maxReadings;
    if (excess > 0) {
      head += excess;
      overflowed += excess;
    }
    if (head > 4096 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  return {
    get size() {
      return items.length - head;
    },
    get overflowed() {
      return overflowed;
    },
    push(readings) {
      for (const r of readings) items.push(r);
      trim();
    },
    unshift(readings) {
      items = [...readings, ...items.slice(head)];
      head = 0;
      trim();
    },
    take(max) {
      const out = items.slice(head, head + max);
      head += out.length;
      trim();
      return out;
    },
  };
}
