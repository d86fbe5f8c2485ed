import type { Alert, LiveFrame, Presence, Reading, StorageCondition } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import type { LiveEncoder } from './live-encoder.js';
import type { ScopeView } from './live-scope.js';
import { ReadingColumns } from './reading-columns.js';

/** The two snapshot encodings (core/live.ts): `snap` (compact and binary clients) and `snapshot` (plain readings). */
export type SnapshotFormat = 'compact' | 'readings';

/**
 * What the centre shows now: the latest reading of every series (columns indexed by the
 * encoder's slots, never objects: docs/ARCHITECTURE.md on the live path's memory), each
 * station's last reception time, presence and the storage condition. It answers snapshots
 * (core/live.ts) and keeps the last one's text: every change bumps `version`, and a snapshot
 * of an unchanged state is encoded once however many clients resync. A scoped client's snapshot
 * (live-scope.ts) holds only its stations, against its view's index, cached per view.
 */
export class LiveState {
  readonly latest: ReadingColumns;
  /** Per station index: the newest reception time (NaN: none yet). */
  readonly received: Float64Array;
  readonly presence = new Map<string, Presence>();
  storage: StorageCondition | null = null;
  /** Bumped by every change, alert events included (a snapshot carries the open alerts). */
  version = 0;
  private snapCache: { version: number; format: SnapshotFormat; text: string } | undefined;

  constructor(
    private readonly encoder: LiveEncoder,
    private readonly openAlertsOf: (() => Alert[]) | undefined,
    private readonly clock: Clock,
  ) {
    this.latest = new ReadingColumns(encoder.seriesCount);
    this.latest.length = encoder.seriesCount;
    this.latest.ts.fill(Number.NaN);
    this.received = new Float64Array(encoder.index.stations.length).fill(Number.NaN);
  }

  /** Records a reading of series `slot` (the hot path: numbers only); returns its station index. */
  addReading(slot: number, r: Reading): number {
    const { latest, received } = this;
    if (!(latest.ts[slot]! > r.ts)) latest.set(slot, slot, r);
    const si = this.encoder.stationOfSlot[slot]!;
    if (!(received[si]! >= r.receivedAt)) received[si] = r.receivedAt;
    this.version += 1;
    return si;
  }

  setPresence(p: Presence): void {
    this.presence.set(p.station, p);
    this.version += 1;
  }

  setStorage(s: StorageCondition): void {
    this.storage = s;
    this.version += 1;
  }

  /** Something a snapshot shows changed elsewhere (the open alerts). */
  changed(): void {
    this.version += 1;
  }

  hasLatest(slot: number): boolean {
    return !Number.isNaN(this.latest.ts[slot]!);
  }

  latestReading(slot: number): Reading {
    return this.latest.reading(slot, this.encoder);
  }

  /** The latest reading of every series (of the view's stations only, given one). */
  latestReadings(view?: ScopeView): Reading[] {
    const out: Reading[] = [];
    const inScope = view?.encoder.stationOfSlot;
    for (let slot = 0; slot < this.latest.length; slot++) {
      if (this.hasLatest(slot) && (inScope === undefined || inScope[slot]! >= 0)) out.push(this.latestReading(slot));
    }
    return out;
  }

  /** Per station (of the view's index, given one): how long ago it was last heard from, at `serverTime` (null: never). */
  receivedAgo(serverTime: number, view?: ScopeView): Array<number | null> {
    const ago = (t: number): number | null => (Number.isNaN(t) ? null : serverTime - t);
    return view === undefined ? Array.from(this.received, ago) : Array.from(view.globalOf, (g) => ago(this.received[g]!));
  }

  /** The snapshot's text: encoded again only when something changed since the last one of this format (and view). */
  snapshotText(format: SnapshotFormat, view?: ScopeView): string {
    const cache = view === undefined ? this.snapCache : view.snapCache;
    if (cache && cache.version === this.version && cache.format === format) return cache.text;
    const text = JSON.stringify(this.snapshot(format, this.clock.now(), view));
    if (view === undefined) this.snapCache = { version: this.version, format, text };
    else view.snapCache = { version: this.version, format, text };
    return text;
  }

  private snapshot(format: SnapshotFormat, serverTime: number, view: ScopeView | undefined): LiveFrame {
    const { presence, storage } = this;
    const encoder = view?.encoder ?? this.encoder;
    const alerts = view === undefined ? this.openAlerts() : this.openAlerts().filter((a) => view.has(a.station));
    if (format === 'readings') {
      const present = [...presence.values()];
      return {
        type: 'snapshot',
        serverTime,
        latest: this.latestReadings(view),
        alerts,
        presence: view === undefined ? present : present.filter((p) => view.has(p.station)),
        storage,
      };
    }
    return {
      type: 'snap',
      serverTime,
      index: encoder.index,
      rows: encoder.rows(this.latestReadings(view), serverTime),
      received: this.receivedAgo(serverTime, view),
      online: encoder.index.stations.map((id) => {
        const p = presence.get(id);
        return p === undefined ? null : p.state === 'online' ? 1 : 0;
      }),
      alerts,
      storage,
    };
  }

  /** A failing source of open alerts leaves them out of the snapshot rather than failing it. */
  private openAlerts(): Alert[] {
    try {
      return this.openAlertsOf?.() ?? [];
    } catch {
      return [];
    }
  }
}
