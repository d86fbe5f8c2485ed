import type { Observable } from 'rxjs';
import type { WebSocket } from 'ws';
import type { Alert, AlertEvent, Catalogue, Logger, Presence, Reading, StationScope, StorageCondition } from '../../core/index.js';
import type { SchedulerLike } from '../../platform/index.js';

/** core/live.ts: `compact` JSON rows (the default), `binary` deltas (the page), plain `readings` (tools). */
export type LiveFormat = 'compact' | 'binary' | 'readings';

export interface LiveHubOptions {
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  alertEvents$?: Observable<AlertEvent>;
  /** Open alerts for snapshots. */
  openAlerts?: () => Alert[];
  presence$?: Observable<Presence>;
  storage$?: Observable<StorageCondition>;
  /** Deltas go out at most once per this interval (250 ms: at most 4 frames a second). */
  frameMs?: number;
  /**
   * A client that was sent nothing for this long gets a `beat` frame (core/live.ts), so that a
   * page can tell a quiet centre from a lost one (default 2,000 ms). Per client, never per reading.
   */
  heartbeatMs?: number;
  /**
   * Byte budget of the delta stream per client (token bucket, one second of burst). When a
   * frame would exceed it, the frame waits and the readings are coalesced to the latest per
   * series, so a client never receives more than this on average (300 KB/s bar, with margin).
   */
  budgetBytesPerS?: number;
  /** Readings held for the next frame before they are coalesced to the latest per series. */
  maxPendingReadings?: number;
  /** A client whose socket holds more than this unsent gets no deltas until it drains, then a snapshot. */
  maxBufferedBytes?: number;
  /** A client holding more than this is cut off: the server never buffers without bound. */
  hardBufferedBytes?: number;
  /** A client backed up for this long (a frozen tab, a dead link) is cut off; it reconnects when it can. */
  stuckTimeoutMs?: number;
  /**
   * The frames' time: the frame tick, a focus's frames and every time the hub reads (default
   * platform `systemScheduler`; tests pass a VirtualTimeScheduler). Its timers never hold the
   * process open.
   */
  scheduler?: SchedulerLike;
  /** Where a failure inside the hub is reported (it is never thrown: the hub runs in callbacks of the whole centre). */
  log?: Logger;
}

export interface LiveClientInfo {
  format: LiveFormat;
  sessionId?: string;
  /**
   * The stations its user may see (core/scope.ts; docs/SECURITY.md, "Access by level"): its
   * frames carry only these, against an index of these alone. None, or `all`: every station.
   */
  scope?: StationScope;
}

export interface LiveHubStats {
  clients: number;
  deltaFrames: number;
  droppedFrames: number;
  snapshots: number;
  bytesSent: number;
  coalesced: number;
  /** Largest unsent backlog seen on one client's socket (bytes): bounded by maxBufferedBytes plus one frame. */
  peakBufferedBytes: number;
  /** Clients cut off (hard bound or stuck too long). */
  cutOff: number;
  /** Clients on a focus (station page) rather than the shared stream. */
  focused: number;
  /** Messages from clients that were not a valid LiveClientMessage (ignored). */
  badMessages: number;
  /** Shared-stream frames encoded for a scope (live-scope.ts): one per scope per frame, whatever its number of clients. */
  scopedFrames: number;
  /** Scopes with an open socket now (each one more encoding per frame). */
  scopes: number;
}

export interface LiveHub {
  attach(socket: WebSocket, info?: LiveClientInfo): void;
  latest(): Reading[];
  presence(): Presence[];
  storage(): StorageCondition | null;
  /** Closes the sockets of a session that ended (logout, expiry, disabled user). */
  closeSession(sessionId: string): void;
  /** Sessions with an open socket (an open live view counts as activity). */
  sessionIds(): string[];
  stats(): LiveHubStats;
  close(): void;
}

/** The hub's counters, all zero: one object that every part of the hub counts into. */
export function emptyLiveStats(): LiveHubStats {
  return {
    clients: 0,
    deltaFrames: 0,
    droppedFrames: 0,
    snapshots: 0,
    bytesSent: 0,
    coalesced: 0,
    peakBufferedBytes: 0,
    cutOff: 0,
    focused: 0,
    badMessages: 0,
    scopedFrames: 0,
    scopes: 0,
  };
}
