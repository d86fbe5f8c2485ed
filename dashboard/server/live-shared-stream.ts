import { encodeBinaryDelta, type Presence } from '../../core/index.js';
import type { LiveClient, ClientSet } from './live-clients.js';
import type { LiveEncoder } from './live-encoder.js';
import { PendingReadings } from './live-pending.js';
import type { LiveHubStats } from './live-types.js';

/** One tick's frame of the shared stream, in the encodings its clients take. */
export interface SharedFrame {
  compact?: string | undefined;
  binary?: Uint8Array | undefined;
  verbose?: string | undefined;
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

interface Encoded {
  compact?: string | undefined;
  binary?: Uint8Array | undefined;
  size: number;
}

/**
 * The shared stream every overview socket gets (core/live.ts, views; docs/ARCHITECTURE.md on
 * the two kinds of live socket): readings gather between ticks, and each tick encodes them
 * once for all its clients, within a byte budget per client. A frame over budget is coalesced
 * to the latest value per series; still over, it waits for the bucket to refill while its
 * readings keep coalescing. A backed-up client misses frames and is resynced by a snapshot.
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
    const extra: { presence?: Presence[] } = presence.length > 0 ? { presence } : {};
    const want = this.audience(presence.length > 0);
    let frame = this.encode(t, want, extra);
    if (frame.size > this.tokens) {
      // Over budget: coalesce to the latest value per series; if that is still too much,
      // hold the frame until the bucket refills.
      pending.collapse();
      frame = this.encode(t, want, extra);
      if (frame.size > this.tokens && this.tokens < this.rate) return undefined;
    }
    if (pending.length > 0) this.bytesPerReading = frame.size / pending.length;
    this.tokens -= frame.size;
    const verbose = want.readings
      ? JSON.stringify({ type: 'readings', serverTime: t, readings: pending.columns.readings(this.o.encoder), ...extra })
      : undefined;
    pending.clear();
    return { compact: frame.compact, binary: frame.binary, verbose };
  }

  /**
   * Which encodings the shared stream's clients take this tick (a binary frame carries no
   * presence: binary clients then get the compact frame). The budget counts the larger.
   */
  private audience(withPresence: boolean): { binary: boolean; json: boolean; readings: boolean } {
    const want = { binary: false, json: false, readings: false };
    for (const c of this.o.clients) {
      if (c.focus !== undefined) continue;
      if (c.format === 'binary' && !withPresence) want.binary = true;
      else want.json = true;
      if (c.format === 'readings') want.readings = true;
    }
    return want;
  }

  private encode(t: number, want: { binary: boolean; json: boolean }, extra: { presence?: Presence[] }): Encoded {
    const rows = this.pending.columns.rows(this.o.encoder, t);
    const compact = want.json ? JSON.stringify({ type: 'delta', serverTime: t, rows, ...extra }) : undefined;
    const binary = want.binary ? encodeBinaryDelta(rows, t).bytes : undefined;
    return { compact, binary, size: Math.max(compact?.length ?? 0, binary?.length ?? 0) };
  }

  /** A shared client's part of the tick: the frame in its encoding, its resync, or nothing while it is backed up. */
  private deliver(c: LiveClient, frame: SharedFrame | undefined, t: number): void {
    const { clients, stats } = this.o;
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
