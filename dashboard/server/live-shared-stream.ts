import { encodeBinaryDelta, type LiveRow, type Presence } from '../../core/index.js';
import type { LiveClient, ClientSet } from './live-clients.js';
import type { LiveEncoder } from './live-encoder.js';
import { PendingReadings } from './live-pending.js';
import type { ScopeView } from './live-scope.js';
import type { ReadingColumns } from './reading-columns.js';
import type { LiveHubStats } from './live-types.js';

/** One tick's frame of the shared stream, in the encodings its clients take. */
export interface SharedFrame {
  compact?: string | undefined;
  binary?: Uint8Array | undefined;
  verbose?: string | undefined;
  /** Per scope with clients on the shared stream: its frame (none when nothing of it is in the tick). */
  scoped?: Map<ScopeView, SharedFrame> | undefined;
  /** The largest of its encodings, in bytes. */
  size?: number;
}

export interface SharedStreamOptions {
  encoder: LiveEncoder;
  clients: ClientSet;
  stats: LiveHubStats;
  /** Byte budget per client (token bucket, one second of burst). */
  budgetBytesPerS: number;
  /** Readings held for the next frame before they are coalesced to the latest per series. */
  maxPendingReadings: number;
  /** When the bucket was last full (the hub's start). */
  startedAt: number;
}

/** The encodings an audience takes. */
interface Want {
  binary: boolean;
  json: boolean;
  readings: boolean;
}

interface Encoded {
  all: SharedFrame;
  scoped?: Map<ScopeView, SharedFrame>;
  size: number;
}

/** Rows (and presence) as the frame each wanted encoding carries. */
function encodeRows(rows: LiveRow[], t: number, want: Want, presence: Presence[]): SharedFrame {
  const extra = presence.length > 0 ? { presence } : {};
  const compact = want.json ? JSON.stringify({ type: 'delta', serverTime: t, rows, ...extra }) : undefined;
  const binary = want.binary ? encodeBinaryDelta(rows, t).bytes : undefined;
  return { compact, binary, size: Math.max(compact?.length ?? 0, binary?.length ?? 0) };
}

/** A scope's frame of the tick: its stations' readings and presence, numbered against its index; empty when none are in the tick. */
function encodeScoped(view: ScopeView, columns: ReadingColumns, t: number, want: Want, allPresence: Presence[]): SharedFrame {
  const mine = view.select(columns);
  const presence = allPresence.filter((p) => view.has(p.station));
  if (mine.length === 0 && presence.length === 0) return { size: 0 };
  const frame = encodeRows(mine.rows(view.encoder, t), t, want, presence);
  if (want.readings) {
    const extra = presence.length > 0 ? { presence } : {};
    frame.verbose = JSON.stringify({ type: 'readings', serverTime: t, readings: mine.readings(view.encoder), ...extra });
  }
  return frame;
}

/**
 * The shared stream every overview socket gets (core/live.ts, views; docs/ARCHITECTURE.md on
 * the two kinds of live socket): readings gather between ticks, and each tick encodes them
 * once for all its clients, within a byte budget per client. A frame over budget is coalesced
 * to the latest value per series; still over, it waits for the bucket to refill while its
 * readings keep coalescing. A backed-up client misses frames and is resynced by a snapshot.
 * Clients who see every station share one encoding, as before scopes existed; clients of a
 * scope (live-scope.ts) share one more per scope, of their stations alone.
 *
 * Paced by the hub's tick rather than an RxJS `bufferTime`: a buffer would hold every reading
 * as an object until the frame, at 100,000 readings/s the promoted garbage the columns avoid.
 */
export class SharedStream {
  readonly pending: PendingReadings;
  private readonly rate: number;
  private tokens: number;
  private lastRefill: number;
  /** Size of the last delta frame per reading, to judge whether the next one fits the budget. */
  private bytesPerReading = 10;

  constructor(private readonly o: SharedStreamOptions) {
    this.rate = o.budgetBytesPerS;
    this.tokens = o.budgetBytesPerS;
    this.lastRefill = o.startedAt;
    this.pending = new PendingReadings(o.encoder.seriesCount, o.maxPendingReadings, o.stats);
  }

  /** The frame tick at `t`: the frame (if one may go) to every client on the shared stream, or its resync. */
  tick(t: number, anyClient: boolean): void {
    const frame = this.frame(t, anyClient);
    for (const c of this.o.clients) if (c.focus === undefined) this.deliver(c, frame, t);
  }

  /** This tick's frame; none when nothing waits, nobody watches, or the budget cannot take it yet. */
  frame(t: number, anyClient: boolean): SharedFrame | undefined {
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.lastRefill) / 1000) * this.rate);
    this.lastRefill = t;
    const { pending } = this;
    if (!anyClient) {
      // Nobody watches the shared stream: nothing to encode (the latest values are kept for the next snapshot).
      pending.clear();
      return undefined;
    }
    if (pending.isEmpty()) return undefined;
    // While the bucket cannot take a frame of the size the last one suggests, hold it without
    // encoding: the readings keep coalescing, and an overloaded server spends no CPU on frames
    // it would throw away.
    if (!(this.tokens >= this.rate || pending.length * this.bytesPerReading <= this.tokens)) {
      pending.collapse();
      return undefined;
    }
    return this.encodeWithinBudget(t);
  }

  private encodeWithinBudget(t: number): SharedFrame | undefined {
    const { pending } = this;
    const presence = [...pending.presence.values()];
    const audiences = this.audiences(presence.length > 0);
    let frame = this.encode(t, audiences, presence);
    if (frame.size > this.tokens) {
      // Over budget: coalesce to the latest value per series; if that is still too much,
      // hold the frame until the bucket refills.
      pending.collapse();
      frame = this.encode(t, audiences, presence);
      if (frame.size > this.tokens && this.tokens < this.rate) return undefined;
    }
    if (pending.length > 0) this.bytesPerReading = frame.size / pending.length;
    this.tokens -= frame.size;
    const all = audiences.get(undefined);
    const extra = presence.length > 0 ? { presence } : {};
    const verbose = all?.readings
      ? JSON.stringify({ type: 'readings', serverTime: t, readings: pending.columns.readings(this.o.encoder), ...extra })
      : undefined;
    pending.clear();
    return { compact: frame.all.compact, binary: frame.all.binary, verbose, scoped: frame.scoped };
  }

  /**
   * Which encodings the shared stream's clients take this tick, per audience: those who see
   * every station (key undefined) and each scope (live-scope.ts). A binary frame carries no
   * presence: binary clients then get the compact frame.
   */
  private audiences(withPresence: boolean): Map<ScopeView | undefined, Want> {
    const out = new Map<ScopeView | undefined, Want>();
    for (const c of this.o.clients) {
      if (c.focus !== undefined) continue;
      let want = out.get(c.view);
      if (want === undefined) out.set(c.view, (want = { binary: false, json: false, readings: false }));
      if (c.format === 'binary' && !withPresence) want.binary = true;
      else want.json = true;
      if (c.format === 'readings') want.readings = true;
    }
    return out;
  }

  /** The frame of every audience; its size (what the budget counts) is the largest a client gets. */
  private encode(t: number, audiences: Map<ScopeView | undefined, Want>, presence: Presence[]): Encoded {
    const { pending, o } = this;
    const all = audiences.get(undefined);
    const frame: Encoded = { all: all === undefined ? {} : encodeRows(pending.columns.rows(o.encoder, t), t, all, presence), size: 0 };
    frame.size = frame.all.size ?? 0;
    for (const [view, want] of audiences) {
      if (view === undefined) continue;
      const part = encodeScoped(view, pending.columns, t, want, presence);
      if (part.size !== 0) o.stats.scopedFrames += 1;
      (frame.scoped ??= new Map()).set(view, part);
      frame.size = Math.max(frame.size, part.size ?? 0);
    }
    return frame;
  }

  /** A shared client's part of the tick: the frame in its encoding, its resync, or nothing while it is backed up. */
  private deliver(c: LiveClient, tickFrame: SharedFrame | undefined, t: number): void {
    const { clients, stats } = this.o;
    // A scoped client takes its scope's frame (live-scope.ts), never the one of every station.
    const frame = c.view === undefined ? tickFrame : tickFrame?.scoped?.get(c.view);
    if (clients.congested(c)) {
      if (c.socket.readyState === c.socket.OPEN && (frame?.compact ?? frame?.binary) !== undefined) {
        c.needsSnapshot = true;
        stats.droppedFrames += 1;
      }
      return;
    }
    if (c.needsSnapshot) {
      if (!clients.snapshotDue(c, t)) return;
      clients.sendSnapshot(c);
    } else {
      const data =
        frame === undefined
          ? undefined
          : c.format === 'compact'
            ? frame.compact
            : c.format === 'binary'
              ? (frame.binary ?? frame.compact)
              : frame.verbose;
      if (data === undefined) return;
      clients.write(c, data);
    }
    c.lastFrameAt = t;
    stats.deltaFrames += 1;
  }
}
