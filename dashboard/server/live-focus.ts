import { exhaustMap, Subject, timer, type Subscription } from 'rxjs';
import type { Presence, Reading } from '../../core/index.js';
import type { SchedulerLike } from '../../platform/index.js';
import type { ClientSet, LiveClient } from './live-clients.js';
import type { LiveEncoder } from './live-encoder.js';
import type { LiveFailed } from './live-failures.js';
import type { LiveState } from './live-state.js';
import type { LiveHubStats } from './live-types.js';

/** A focused client's frames of readings carry every station's reception times at most this often. */
const RECEIVED_EVERY_MS = 1000;
/**
 * When its stations send nothing for this long, a focused client gets a frame of reception
 * times alone. That frame does not hold back the next frame of readings: a station page must
 * not wait for it.
 */
const RECEIVED_QUIET_MS = 5000;

export interface FocusStreamOptions {
  encoder: LiveEncoder;
  state: LiveState;
  clients: ClientSet;
  stats: LiveHubStats;
  /** A focused client's frames are at least this far apart. */
  frameMs: number;
  /** Its frames wait on this (and read the time from it). */
  scheduler: SchedulerLike;
  failed: LiveFailed;
}

/**
 * The focus stream (core/live.ts, views; docs/ARCHITECTURE.md on the two kinds of live
 * socket): a station page's socket watches a few stations and gets its own small frames of
 * them. Per station, the clients focused on it; per client, the series with a reading not yet
 * sent. A client's frame goes on the next turn (so that it gathers the whole message and
 * whatever else the turn brings) when its last frame is `frameMs` old, else when it will be:
 * at most 4 frames a second, with no wait for a station that reports less often than that.
 * The frame tick adds its resyncs and, for quiet stations, the reception times.
 */
export class FocusStream {
  /** Per station index: the clients focused on it (undefined: none). */
  private readonly watchers: Array<Set<LiveClient> | undefined>;
  private readonly focused = new Set<LiveClient>();
  /** Per client that ever focused: what wakes its frame, and the subscription that paces it. */
  private readonly pacers = new Map<LiveClient, { wake: Subject<void>; paced: Subscription }>();

  constructor(private readonly o: FocusStreamOptions) {
    this.watchers = new Array<Set<LiveClient> | undefined>(o.encoder.index.stations.length);
  }

  /** Clients on a focus now. */
  get count(): number {
    return this.focused.size;
  }

  /** A reading of series `slot` at station `si` (the hot path: one array look-up when nobody watches it). */
  onReading(si: number, slot: number): void {
    const watching = this.watchers[si];
    if (watching === undefined) return;
    for (const c of watching) {
      c.focusPending.add(slot);
      this.wake(c);
    }
  }

  onPresence(p: Presence): void {
    for (const c of this.focused) {
      if (c.view !== undefined && !c.view.has(p.station)) continue;
      c.focusPresence.set(p.station, p);
      this.wake(c);
    }
  }

  /**
   * A client's view (core/live.ts, views): the stations it focuses on, or none (the shared
   * stream). A station out of the client's scope is treated as one the catalogue does not list.
   */
  setFocus(c: LiveClient, ids: readonly string[]): void {
    if (!this.o.clients.has(c)) return; // a message after its close: nothing to watch for
    const { encoder, state } = this.o;
    const indices: number[] = [];
    for (const id of ids) {
      if (c.view !== undefined && !c.view.has(id)) continue;
      const si = encoder.stationIndex(id);
      if (si !== undefined && !indices.includes(si)) indices.push(si);
    }
    const wasShared = c.focus === undefined;
    this.unwatch(c);
    c.focusPending.clear();
    c.focusPresence.clear();
    if (indices.length === 0) {
      if (wasShared) return;
      // Back to the shared stream: what it holds of the other stations is stale, so a snapshot.
      c.focus = undefined;
      this.focused.delete(c);
      c.needsSnapshot = true;
      return;
    }
    c.focus = indices;
    this.focused.add(c);
    for (const si of indices) {
      (this.watchers[si] ??= new Set()).add(c);
      // The latest values at once: the shared stream may have held some back, or the focus moved.
      encoder.index.parameters[si]!.forEach((parameter) => {
        const slot = encoder.slotOf(encoder.index.stations[si]!, parameter);
        if (slot >= 0 && state.hasLatest(slot)) c.focusPending.add(slot);
      });
    }
    c.receivedSentAt = -Infinity;
    this.wake(c);
  }

  /** Forgets a client that left the hub. */
  leave(c: LiveClient): void {
    if (c.focus !== undefined) this.unwatch(c);
    this.focused.delete(c);
    this.pacers.get(c)?.paced.unsubscribe();
    this.pacers.delete(c);
  }

  /** The frame tick at `t`, for focused clients: the resync, and the reception times of quiet stations. */
  tick(t: number): void {
    const { clients, frameMs } = this.o;
    for (const c of this.focused) {
      if (clients.congested(c)) continue;
      if (c.needsSnapshot) {
        if (!clients.snapshotDue(c, t)) continue;
        clients.sendSnapshot(c);
        c.focusPending.clear();
        c.focusPresence.clear();
        c.lastFrameAt = t;
        c.receivedSentAt = t;
      } else if (t - c.receivedSentAt >= RECEIVED_QUIET_MS && t - c.lastFrameAt >= frameMs) this.flush(c, true);
    }
  }

  close(): void {
    for (const { paced } of this.pacers.values()) paced.unsubscribe();
    this.pacers.clear();
    this.focused.clear();
    this.watchers.fill(undefined);
  }

  /**
   * Asks for the client's next frame: a timer to `frameMs` after its last frame (at once if
   * that has passed); while one runs, further readings join the frame it will send.
   */
  private wake(c: LiveClient): void {
    let pacer = this.pacers.get(c);
    if (pacer === undefined) {
      const { scheduler, frameMs } = this.o;
      const wake = new Subject<void>();
      const paced = wake
        .pipe(exhaustMap(() => timer(Math.max(0, c.lastFrameAt + frameMs - scheduler.now()), scheduler)))
        .subscribe(() => this.flush(c));
      this.pacers.set(c, (pacer = { wake, paced }));
    }
    pacer.wake.next();
  }

  /** A focused client's frame: its pending readings, or (`receivedOnly`, from the tick) reception times alone. */
  private flush(c: LiveClient, receivedOnly = false): void {
    const { clients, stats, state } = this.o;
    const encoder = c.view?.encoder ?? this.o.encoder; // a scoped client's rows are numbered against its scope's index
    if (!clients.has(c) || c.focus === undefined) return;
    try {
      const t = this.o.scheduler.now();
      if (clients.congested(c)) {
        if (c.socket.readyState === c.socket.OPEN && (c.focusPending.size > 0 || c.focusPresence.size > 0)) {
          c.needsSnapshot = true;
          stats.droppedFrames += 1;
        }
        c.focusPending.clear();
        c.focusPresence.clear();
        return;
      }
      if (c.needsSnapshot) return; // the next tick sends the snapshot, which holds all of it
      const withReceived = c.format !== 'readings' && t - c.receivedSentAt >= RECEIVED_EVERY_MS;
      const withReadings = c.focusPending.size > 0 || c.focusPresence.size > 0;
      if (!withReadings && !(receivedOnly && withReceived)) return;
      const list: Reading[] = [];
      for (const slot of c.focusPending) list.push(state.latestReading(slot));
      c.focusPending.clear();
      const presence = [...c.focusPresence.values()];
      c.focusPresence.clear();
      const extra = presence.length > 0 ? { presence } : {};
      let text: string;
      if (c.format !== 'readings') {
        // Binary clients too: a focus's frames are small, JSON costs them nothing.
        const received = withReceived ? { received: state.receivedAgo(t, c.view) } : {};
        text = JSON.stringify({ type: 'delta', serverTime: t, rows: encoder.rows(list, t), ...extra, ...received });
        if (withReceived) c.receivedSentAt = t;
      } else {
        text = JSON.stringify({ type: 'readings', serverTime: t, readings: list, ...extra });
      }
      if (withReadings) c.lastFrameAt = t;
      stats.deltaFrames += 1;
      clients.write(c, text);
    } catch (err) {
      c.needsSnapshot = true;
      this.o.failed('focus frame', err);
    }
  }

  private unwatch(c: LiveClient): void {
    for (const si of c.focus ?? []) {
      const w = this.watchers[si];
      w?.delete(c);
      if (w?.size === 0) this.watchers[si] = undefined;
    }
  }
}
