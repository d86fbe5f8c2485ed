import type { Reading } from '../../../../core/index.js';

/** One station's latest readings, as the table shows them. */
export interface StationLatest {
  /** Latest reading per parameter symbol. */
  readonly readings: ReadonlyMap<string, Reading>;
  /** Time of measurement of the newest of them, epoch ms. */
  readonly lastTs: number;
  /** When the centre last received one of them, epoch ms (the centre's clock). */
  readonly lastReceivedAt: number;
}

interface MutableLatest {
  readings: Map<string, Reading>;
  lastTs: number;
  lastReceivedAt: number;
}

function track(entry: MutableLatest, r: Reading): void {
  if (r.ts > entry.lastTs) entry.lastTs = r.ts;
  const receivedAt = Number.isFinite(r.receivedAt) ? r.receivedAt : r.ts;
  if (receivedAt > entry.lastReceivedAt) entry.lastReceivedAt = receivedAt;
}

function sameReadings(a: ReadonlyMap<string, Reading>, b: ReadonlyMap<string, Reading>): boolean {
  if (a.size !== b.size) return false;
  for (const [parameter, r] of a) {
    const o = b.get(parameter);
    if (o === undefined || o.ts !== r.ts || o.value !== r.value || o.status !== r.status || o.unit !== r.unit) return false;
  }
  return true;
}

/**
 * The latest reading of every station and parameter. An entry is replaced, never mutated,
 * once a render has seen it (`seen()`), so a row can tell by identity whether its station
 * changed; entries created since the last render are mutated in place (nobody holds them).
 */
export class LatestStore {
  readonly #latest = new Map<string, MutableLatest>();
  /** Entries created since the last render: nobody holds them yet, so they may be mutated. */
  readonly #unseen = new Set<string>();

  /** Latest readings by station id. */
  get entries(): ReadonlyMap<string, StationLatest> {
    return this.#latest;
  }

  /** A render took the entries: from now on they are held. */
  seen(): void {
    this.#unseen.clear();
  }

  /** An entry of this station that may be changed: the held one copied if a render has it. */
  #writable(station: string, entry: MutableLatest | undefined): MutableLatest {
    if (entry !== undefined && this.#unseen.has(station)) return entry;
    const copy = {
      readings: new Map(entry?.readings),
      lastTs: entry?.lastTs ?? -Infinity,
      lastReceivedAt: entry?.lastReceivedAt ?? -Infinity,
    };
    this.#latest.set(station, copy);
    this.#unseen.add(station);
    return copy;
  }

  /** A snapshot is the whole truth (core/live.ts); unchanged stations keep their entry. */
  replace(latest: readonly Reading[]): void {
    const next = new Map<string, MutableLatest>();
    for (const r of latest) {
      let entry = next.get(r.station);
      if (entry === undefined) next.set(r.station, (entry = { readings: new Map(), lastTs: -Infinity, lastReceivedAt: -Infinity }));
      const held = entry.readings.get(r.parameter);
      if (held === undefined || r.ts >= held.ts) entry.readings.set(r.parameter, r);
      track(entry, r);
    }
    for (const [station, entry] of next) {
      const previous = this.#latest.get(station);
      if (previous !== undefined && sameReadings(previous.readings, entry.readings) && previous.lastReceivedAt === entry.lastReceivedAt)
        next.set(station, previous);
      else this.#unseen.add(station);
    }
    this.#latest.clear();
    for (const [station, entry] of next) this.#latest.set(station, entry);
  }

  /** Deltas; a reading older than the one held (a late redelivery) is ignored. */
  apply(readings: readonly Reading[]): void {
    for (const r of readings) {
      const held = this.#latest.get(r.station)?.readings.get(r.parameter);
      if (held !== undefined && r.ts < held.ts) continue;
      const entry = this.#writable(r.station, this.#latest.get(r.station));
      entry.readings.set(r.parameter, r);
      track(entry, r);
    }
  }

  /** A focused view's reception times of every station (once a second): keeps "reporting" right. */
  received(stations: readonly string[], ago: ReadonlyArray<number | null>, serverTime: number): void {
    stations.forEach((station, si) => {
      const a = ago[si];
      if (a === null || a === undefined) return;
      const at = serverTime - a;
      const entry = this.#latest.get(station);
      if (entry === undefined || entry.lastReceivedAt >= at) return;
      this.#writable(station, entry).lastReceivedAt = at;
    });
  }
}
