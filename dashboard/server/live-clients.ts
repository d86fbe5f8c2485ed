import type { WebSocket } from 'ws';
import { MAX_FOCUS_STATIONS, type LiveFrame, type Logger, type Presence } from '../../core/index.js';
import { createRateLimitedLog, type Clock, type RateLimitedLog } from '../../platform/index.js';
import { parseClientMessage } from './live-client-message.js';
import type { LiveEncoder } from './live-encoder.js';
import type { LiveFailed } from './live-failures.js';
import { ScopeViews, type ScopeView } from './live-scope.js';
import type { LiveState } from './live-state.js';
import type { LiveClientInfo, LiveFormat, LiveHubStats } from './live-types.js';

/** One live socket and where it stands: its resync, its backlog, its view (core/live.ts, views). */
export interface LiveClient {
  readonly socket: WebSocket;
  readonly format: LiveFormat;
  readonly sessionId: string | undefined;
  /** Its scope's view (live-scope.ts); undefined: every station, the shared path. */
  readonly view: ScopeView | undefined;
  needsSnapshot: boolean;
  /** When it was last sent a snapshot: resyncs come at most once a second (one is about 300 KB). */
  lastSnapshotAt: number;
  /** Since when its socket has been backed up (undefined: it is not). */
  congestedSince: number | undefined;
  /** When its last delta frame went (the 4-a-second bound of a focused client). */
  lastFrameAt: number;
  /** Station indices of its focus (core/live.ts, views); undefined: the shared stream. */
  focus: number[] | undefined;
  /** Focused series with a reading not yet sent (their latest value goes). */
  focusPending: Set<number>;
  focusPresence: Map<string, Presence>;
  /** When it was last sent every station's `received` (focused clients: once a second). */
  receivedSentAt: number;
  /** When anything was last written to it (the heartbeat goes to quiet clients only). */
  lastSentAt: number;
}

/**
 * A client is resynced with a snapshot at most this often, however often it falls behind or
 * leaves a focus: a snapshot is the largest frame, and its encoding the hub's largest cost.
 */
const SNAPSHOT_EVERY_MS = 1000;
/** Ignored client messages are logged at most this often (the next line counts those held back). */
const BAD_MESSAGE_LOG_MS = 60_000;

export interface ClientSetOptions {
  state: LiveState;
  /** The hub's encoder, which scoped views narrow. */
  encoder: LiveEncoder;
  stats: LiveHubStats;
  clock: Clock;
  /** A client whose socket holds more than this unsent is skipped (backed up). */
  maxBufferedBytes: number;
  /** Past this it is cut off. */
  hardBufferedBytes: number;
  /** So is one backed up for this long. */
  stuckTimeoutMs: number;
  failed: LiveFailed;
  /** Where ignored client messages are reported (at most once a minute); none: counted only. */
  log?: Logger | undefined;
  /** A client asked for a view: these stations (none: the shared stream). */
  onFocus(c: LiveClient, stations: string[]): void;
  /** A client left the set (closed, failed, cut off). */
  onDrop(c: LiveClient): void;
}

/**
 * The live sockets: attaching one (a snapshot at once), writing to it without letting one
 * broken socket break a frame for the others, judging its backlog (`bufferedAmount`: skipped
 * past `maxBufferedBytes`, cut off past the hard bound or when stuck), resync snapshots, and
 * what it sends (a view, or something ignored and counted).
 */
export class ClientSet implements Iterable<LiveClient> {
  private readonly clients = new Set<LiveClient>();
  private readonly warn: RateLimitedLog | undefined;
  /** The scopes of its clients, one view each. */
  readonly views: ScopeViews;

  constructor(private readonly o: ClientSetOptions) {
    this.views = new ScopeViews(o.encoder);
    this.warn = o.log === undefined ? undefined : createRateLimitedLog(o.log, BAD_MESSAGE_LOG_MS, o.clock);
  }

  get size(): number {
    return this.clients.size;
  }

  has(c: LiveClient): boolean {
    return this.clients.has(c);
  }

  [Symbol.iterator](): Iterator<LiveClient> {
    return this.clients.values();
  }

  attach(socket: WebSocket, info: LiveClientInfo): LiveClient {
    const c: LiveClient = {
      socket,
      format: info.format,
      sessionId: info.sessionId,
      view: this.views.acquire(info.scope),
      needsSnapshot: false,
      lastSnapshotAt: -Infinity,
      congestedSince: undefined,
      focus: undefined,
      focusPending: new Set(),
      focusPresence: new Map(),
      lastFrameAt: -Infinity,
      receivedSentAt: -Infinity,
      lastSentAt: this.o.clock.now(),
    };
    this.clients.add(c);
    // The browser may send its view (a focus); anything else is ignored (bounded by maxPayload).
    socket.on('message', (data: unknown, isBinary: boolean) => {
      try {
        this.receive(c, data, isBinary);
      } catch (err) {
        this.o.failed('client message', err);
      }
    });
    socket.on('close', () => this.drop(c));
    socket.on('error', () => this.drop(c));
    this.sendSnapshot(c);
    return c;
  }

  /** Forgets a client (and its view). */
  drop(c: LiveClient): void {
    if (!this.clients.delete(c)) return;
    this.views.release(c.view);
    this.o.onDrop(c);
  }

  /** One client's broken socket drops that client, never the frame for the others. */
  write(c: LiveClient, data: string | Uint8Array): void {
    try {
      c.socket.send(data);
      c.lastSentAt = this.o.clock.now();
      this.o.stats.bytesSent += data.length;
    } catch (err) {
      this.drop(c);
      try {
        c.socket.terminate();
      } catch {
        // already gone
      }
      this.o.failed('send to a client', err);
    }
  }

  /** May `c` be resynced at `t` (its last snapshot a second old)? */
  snapshotDue(c: LiveClient, t: number): boolean {
    return t - c.lastSnapshotAt >= SNAPSHOT_EVERY_MS;
  }

  sendSnapshot(c: LiveClient): void {
    let text: string;
    try {
      // Binary clients too: the snapshot carries the index (the scope's own, for a scoped client).
      text = this.o.state.snapshotText(c.format === 'readings' ? 'readings' : 'compact', c.view);
    } catch (err) {
      c.needsSnapshot = true; // tried again next tick
      this.o.failed('snapshot', err);
      return;
    }
    c.needsSnapshot = false;
    c.lastSnapshotAt = this.o.clock.now();
    this.o.stats.snapshots += 1;
    this.write(c, text);
  }

  /** Is the client's socket backed up? Cuts it off past the hard bound or when stuck too long. */
  congested(c: LiveClient): boolean {
    const { stats, clock } = this.o;
    if (c.socket.readyState !== c.socket.OPEN) return true;
    const buffered = c.socket.bufferedAmount;
    if (buffered > stats.peakBufferedBytes) stats.peakBufferedBytes = buffered;
    if (buffered <= this.o.maxBufferedBytes) {
      c.congestedSince = undefined;
      return false;
    }
    c.congestedSince ??= clock.now();
    if (buffered > this.o.hardBufferedBytes || clock.now() - c.congestedSince > this.o.stuckTimeoutMs) {
      c.socket.terminate();
      this.drop(c);
      stats.cutOff += 1;
    }
    return true;
  }

  /**
   * A frame that goes at once to every client in step (alert events, the storage condition),
   * encoded once; a frame about `station` skips the clients whose scope does not hold it.
   */
  broadcast(frame: LiveFrame, station?: string): void {
    const text = JSON.stringify(frame);
    for (const c of this.clients) {
      if (station !== undefined && c.view !== undefined && !c.view.has(station)) continue;
      if (c.needsSnapshot || this.congested(c)) continue;
      this.write(c, text);
    }
  }

  /**
   * A `beat` (core/live.ts) to each client sent nothing for `quietMs`: one small text, made once
   * per tick at most; a client awaiting its snapshot or backed up gets none (its page then shows
   * its data as not live, which it is not).
   */
  heartbeat(t: number, quietMs: number): void {
    let text: string | undefined;
    for (const c of this.clients) {
      if (t - c.lastSentAt < quietMs || c.needsSnapshot || this.congested(c)) continue;
      text ??= JSON.stringify({ type: 'beat', serverTime: t });
      this.write(c, text);
    }
  }

  /** Every client to be resynced (a frame failed: what they hold is in doubt). */
  resyncAll(): void {
    for (const c of this.clients) c.needsSnapshot = true;
  }

  closeSession(sessionId: string): void {
    for (const c of this.clients) {
      if (c.sessionId === sessionId) {
        c.socket.close(4401, 'session ended');
        this.drop(c);
      }
    }
  }

  sessionIds(): string[] {
    return [...new Set([...this.clients].map((c) => c.sessionId).filter((s): s is string => s !== undefined))];
  }

  /** Closes every socket (the server shuts down) and forgets them. */
  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
    this.views.clear();
  }

  /** A client's message: a view, or ignored (counted, and logged at most once a minute). */
  private receive(c: LiveClient, data: unknown, isBinary: boolean): void {
    const message = isBinary ? undefined : parseClientMessage(String(data));
    if (message !== undefined) {
      this.o.onFocus(c, message.stations);
      return;
    }
    this.o.stats.badMessages += 1;
    this.warn?.(
      'warn',
      'bad client message',
      {},
      `live hub: ignored a client message that is not {"type":"focus","stations":[...]} (at most ${MAX_FOCUS_STATIONS} station ids)`,
    );
  }
}
