import { formatScope, type LiveIndex, type LiveRow, type Reading, type StationScope } from '../../core/index.js';
import type { LiveEncoder } from './live-encoder.js';
import { ReadingColumns } from './reading-columns.js';

/**
 * What the live stream looks like to clients of one scope (core/scope.ts; docs/SECURITY.md,
 * "Access by level"): an index of the stations in scope alone, so that a snapshot does not even
 * name the others, and the rows of the stream numbered against it. Clients of the same scope
 * share one view, so a frame is encoded once per scope, not once per client
 * (docs/ARCHITECTURE.md on the shared stream).
 */
export interface ScopeView {
  /** The scope's entries as text, sorted: equal scopes share a view. */
  readonly key: string;
  /** The hub's encoder narrowed to the scope: its `index` lists only stations in scope; `stationOfSlot` is -1 out of scope. */
  readonly encoder: LiveEncoder;
  /** Per station of the view's index: its index in the hub's. */
  readonly globalOf: Int32Array;
  /** Is the station (its id) in scope? */
  has(station: string): boolean;
  /** The in-scope entries of `columns`, in order, copied into the view's own scratch columns (valid until the next call). */
  select(columns: ReadingColumns): ReadingColumns;
  /** The view's last snapshot (live-state.ts keeps it here, one per scope). */
  snapCache: { version: number; format: string; text: string } | undefined;
}

/** The scope's key: its entries as text, sorted (the same stations whatever order they were given in). */
export function scopeKey(scope: StationScope): string {
  return scope.entries.map(formatScope).sort().join('\n');
}

/** A view of `base` narrowed to the stations `scope` holds. */
export function createScopeView(base: LiveEncoder, scope: StationScope): ScopeView {
  const { index } = base;
  const globals: number[] = [];
  index.stations.forEach((id, si) => {
    if (scope.has(id)) globals.push(si);
  });
  const globalOf = Int32Array.from(globals);
  const localOf = new Int32Array(index.stations.length).fill(-1);
  globalOf.forEach((g, local) => (localOf[g] = local));
  const local: LiveIndex = {
    stations: globals.map((g) => index.stations[g]!),
    zones: globals.map((g) => index.zones[g]!),
    parameters: globals.map((g) => index.parameters[g]!),
    units: globals.map((g) => index.units[g]!),
  };
  const stationOfSlot = base.stationOfSlot.map((g) => localOf[g]!);
  const has = (station: string): boolean => {
    const g = base.stationIndex(station);
    return g !== undefined && localOf[g]! >= 0;
  };
  const encoder: LiveEncoder = {
    index: local,
    seriesCount: base.seriesCount,
    stationOfSlot,
    paramOfSlot: base.paramOfSlot,
    stationIndex: (station) => {
      const g = base.stationIndex(station);
      return g === undefined || localOf[g]! < 0 ? undefined : localOf[g];
    },
    slotOf: (station, parameter) => (has(station) ? base.slotOf(station, parameter) : -1),
    rows: (readings, serverTime) => narrowRows(base.rows(inScope(readings, has), serverTime), localOf),
  };
  let scratch = new ReadingColumns(64);
  return {
    key: scopeKey(scope),
    encoder,
    globalOf,
    has,
    select(columns) {
      if (scratch.slot.length < columns.length) scratch = new ReadingColumns(columns.length);
      let n = 0;
      for (let i = 0; i < columns.length; i++) {
        if (stationOfSlot[columns.slot[i]!]! < 0) continue;
        scratch.slot[n] = columns.slot[i]!;
        scratch.value[n] = columns.value[i]!;
        scratch.ts[n] = columns.ts[i]!;
        scratch.receivedAt[n] = columns.receivedAt[i]!;
        scratch.status[n++] = columns.status[i]!;
      }
      scratch.length = n;
      return scratch;
    },
    snapCache: undefined,
  };
}

function* inScope(readings: Iterable<Reading>, has: (station: string) => boolean): Iterable<Reading> {
  for (const r of readings) if (has(r.station)) yield r;
}

/** Rows of the hub's index renumbered to the view's (every row is of a station in scope). */
function narrowRows(rows: LiveRow[], localOf: Int32Array): LiveRow[] {
  for (const row of rows) row[0] = localOf[row[0] as number]!;
  return rows;
}

/**
 * The views in use, one per scope, counted by their clients: the last client of a scope
 * leaving forgets its view. Clients that see every station have none (the shared path).
 */
export class ScopeViews {
  private readonly views = new Map<string, { view: ScopeView; clients: number }>();

  constructor(private readonly encoder: LiveEncoder) {}

  /** The view for a client of `scope`; undefined for every station (`all`) or no scope given. */
  acquire(scope: StationScope | undefined): ScopeView | undefined {
    if (scope === undefined || scope.all) return undefined;
    const key = scopeKey(scope);
    let entry = this.views.get(key);
    if (entry === undefined) this.views.set(key, (entry = { view: createScopeView(this.encoder, scope), clients: 0 }));
    entry.clients += 1;
    return entry.view;
  }

  release(view: ScopeView | undefined): void {
    if (view === undefined) return;
    const entry = this.views.get(view.key);
    if (entry === undefined || entry.view !== view) return;
    entry.clients -= 1;
    if (entry.clients <= 0) this.views.delete(view.key);
  }

  get size(): number {
    return this.views.size;
  }

  clear(): void {
    this.views.clear();
  }
}
