import type { Presence, Reading } from '../../core/index.js';
import type { LiveHubStats } from './live-types.js';
import { ReadingColumns } from './reading-columns.js';

/**
 * The readings and presence changes waiting for the shared stream's next frame. Readings are
 * columns in arrival order (no object per reading: docs/ARCHITECTURE.md on the live path's
 * memory); past `maxPending`, or when a frame would not fit the byte budget, they collapse in
 * place to the latest per series, and stay collapsed (a newer reading replaces its series'
 * entry) until the frame goes. Every reading so replaced is counted in `stats.coalesced`.
 */
export class PendingReadings {
  readonly columns: ReadingColumns;
  /** Series -> its position in `columns` (-1: absent); used while collapsed. */
  private readonly slotPos: Int32Array;
  /** Is `columns` collapsed (one entry per series, positions in `slotPos`)? */
  private collapsed = false;
  presence = new Map<string, Presence>();

  constructor(
    seriesCount: number,
    private readonly maxPending: number,
    private readonly stats: Pick<LiveHubStats, 'coalesced'>,
  ) {
    this.columns = new ReadingColumns(Math.max(maxPending, seriesCount) + 1);
    this.slotPos = new Int32Array(seriesCount).fill(-1);
  }

  get length(): number {
    return this.columns.length;
  }

  /** Nothing for a frame: no reading, no presence change. */
  isEmpty(): boolean {
    return this.columns.length === 0 && this.presence.size === 0;
  }

  /** The hot path: a reading of series `slot`. */
  add(slot: number, r: Reading): void {
    const { columns } = this;
    if (this.collapsed) {
      // Collapsed: one entry per series, replaced by newer readings (no re-collapsing).
      const i = this.slotPos[slot]!;
      if (i < 0) this.slotPos[slot] = columns.push(slot, r);
      else {
        if (columns.ts[i]! <= r.ts) columns.set(i, slot, r);
        this.stats.coalesced += 1;
      }
      return;
    }
    columns.push(slot, r);
    if (columns.length > this.maxPending) this.collapse();
  }

  addPresence(p: Presence): void {
    this.presence.set(p.station, p);
  }

  /** Keeps the latest reading per series, in place: later readings of a series replace it. */
  collapse(): void {
    const { columns, slotPos } = this;
    const before = columns.length;
    if (!this.collapsed) {
      let kept = 0;
      for (let i = 0; i < columns.length; i++) {
        const slot = columns.slot[i]!;
        const at = slotPos[slot]!;
        if (at < 0) {
          slotPos[slot] = kept;
          columns.move(i, kept++);
        } else if (columns.ts[at]! <= columns.ts[i]!) columns.move(i, at);
      }
      columns.length = kept;
      this.collapsed = true;
    }
    this.stats.coalesced += before - columns.length;
  }

  /** Empties it: the frame went, or nobody watches the shared stream. */
  clear(): void {
    if (this.collapsed) for (let i = 0; i < this.columns.length; i++) this.slotPos[this.columns.slot[i]!] = -1;
    this.collapsed = false;
    this.columns.length = 0;
    this.presence = new Map();
  }

  /** Empties it after a failed frame, trusting nothing of its state. */
  reset(): void {
    this.slotPos.fill(-1);
    this.collapsed = false;
    this.columns.length = 0;
    this.presence = new Map();
  }
}
