import type { Observable, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { encodeBinaryDelta, MAX_FOCUS_STATIONS, type Alert, type AlertEvent, type Catalogue, type LiveFrame, type Logger, type Presence, type Reading, type StorageCondition } from '../../core/index.js';
import { createLiveEncoder } from './live-encoder.js';
import { ReadingColumns } from './reading-columns.js';

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
  now?: () => number;
  /** Where a failure inside the hub is reported (it is never thrown: the hub runs in callbacks of the whole centre). */
  log?: Logger;
}

export interface LiveClientInfo {
  format: LiveFormat;
  sessionId?: string;
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

interface Client {
  socket: WebSocket;
  format: LiveFormat;
  sessionId: string | undefined;
  needsSnapshot: boolean;
  /** When it was last sent a snapshot: resyncs come at most once a second (one is about 300 KB). */
  lastSnapshotAt: number;
  /** Since when its socket has been backed up (undefined: it is not). */
  congestedSince: number | undefined;
  /** Station indices of its focus (core/live.ts, views); undefined: the shared stream. */
  focus: number[] | undefined;
  /** Focused series with a reading not yet sent (their latest value goes). */
  focusPending: Set<number>;
  focusPresence: Map<string, Presence>;
  /** When its last delta frame went (the 4-a-second bound of a focused client). */
  lastFrameAt: number;
  /** When it was last sent every station's `received` (focused clients: once a second). */
  receivedSentAt: number;
  /** A frame of its focus is scheduled. */
  flushScheduled: boolean;
}

/** A focused client's frames of readings carry every station's reception times at most this often. */
const RECEIVED_EVERY_MS = 1000;
/**
 * When its stations send nothing for this long, a focused client gets a frame of reception
 * times alone. That frame does not hold back the next frame of readings: a station page must
 * not wait for it.
 */
const RECEIVED_QUIET_MS = 5000;

/**
 * A client is resynced with a snapshot at most this often, however often it falls behind or
 * leaves a focus: a snapshot is the largest frame, and its encoding the hub's largest cost.
 */
const SNAPSHOT_EVERY_MS = 1000;

/** Repeated failures are logged at most this often (with a count), so a bad stream cannot flood the log. */
const ERROR_LOG_MS = 60_000;

/**
 * The WebSocket hub (core/live.ts): a snapshot on connect, then deltas coalesced per tick,
 * encoded once per tick and shared by every client. Alert events go out at once. Every
 * queue is bounded: the shared pending list collapses to the latest value per series past
 * `maxPendingReadings`; a client whose socket is backed up (`bufferedAmount`) is skipped and
 * later resynced with a snapshot; past `hardBufferedBytes` it is disconnected.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const frameMs = options.frameMs ?? 250;
  const rate = options.budgetBytesPerS ?? 280_000;
  const maxPending = options.maxPendingReadings ?? 20_000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const hardBuffered = options.hardBufferedBytes ?? 8 << 20;
  const stuckTimeoutMs = options.stuckTimeoutMs ?? 120_000;
  const now = options.now ?? Date.now;
  const encoder = createLiveEncoder(options.catalogue);
  const stationCount = encoder.index.stations.length;

  // Series are numbered by the encoder's index (slots): no string keys on the hot path, and
  // readings are kept as columns of numbers (ReadingColumns), never as objects.
  const latest = new ReadingColumns(encoder.seriesCount);
  latest.length = encoder.seriesCount;
  latest.ts.fill(Number.NaN);
  const received = new Float64Array(stationCount).fill(Number.NaN);
  const presence = new Map<string, Presence>();
  let storage: StorageCondition | null = null;
  const clients = new Set<Client>();
  /** Readings for the next frame, in arrival order; once collapsed, one per series (see `collapsed`). */
  const pending = new ReadingColumns(Math.max(maxPending, encoder.seriesCount) + 1);
  /** Series -> its position in `pending` (-1: absent); used while `pending` is collapsed. */
  const slotPos = new Int32Array(encoder.seriesCount).fill(-1);
  /** Is `pending` collapsed (one entry per series, positions in `slotPos`)? */
  let collapsed = false;
  let pendingPresence = new Map<string, Presence>();
  let tokens = rate;
  /** Size of the last delta frame per reading, to judge whether the next one fits the budget. */
  let bytesPerReading = 10;
  let lastRefill = now();
  let snapCache: { version: number; format: LiveFormat; text: string } | undefined;
  let version = 0;
  const stats: LiveHubStats = { clients: 0, deltaFrames: 0, droppedFrames: 0, snapshots: 0, bytesSent: 0, coalesced: 0, peakBufferedBytes: 0, cutOff: 0, focused: 0, badMessages: 0 };
  /** Per station index: the clients focused on it (undefined: none). */
  const watchers: Array<Set<Client> | undefined> = new Array<Set<Client> | undefined>(stationCount);
  /** Clients on the shared stream (not focused): without any, nothing is encoded for it. */
  let sharedClients = 0;

  // Subscribers and the frame timer run in the centre's streams and timers: an exception there
  // would be rethrown asynchronously (RxJS reports it as unhandled) and end the process,
  // broker and ingest with it. So each is guarded: the failure is logged and the hub goes on.
  let errorsSinceLog = 0;
  let lastErrorLog = -Infinity;
  const failed = (what: string, err: unknown): void => {
    errorsSinceLog += 1;
    const t = now();
    if (t - lastErrorLog < ERROR_LOG_MS) return;
    options.log?.error({ err, failures: errorsSinceLog }, `live hub: ${what} failed; carrying on`);
    lastErrorLog = t;
    errorsSinceLog = 0;
  };
  const guarded = <T>(what: string, fn: (value: T) => void) => (value: T): void => {
    try {
      fn(value);
    } catch (err) {
      failed(what, err);
    }
  };

  const subs: Subscription[] = [];
  /** Keeps the latest reading per series, in place: later readings of a series replace it. */
  const collapsePending = (): void => {
    const before = pending.length;
    if (!collapsed) {
      let kept = 0;
      for (let i = 0; i < pending.length; i++) {
        const slot = pending.slot[i]!;
        const at = slotPos[slot]!;
        if (at < 0) {
          slotPos[slot] = kept;
          pending.move(i, kept++);
        } else if (pending.ts[at]! <= pending.ts[i]!) pending.move(i, at);
      }
      pending.length = kept;
      collapsed = true;
    }
    stats.coalesced += before - pending.length;
  };
  const clearPending = (): void => {
    if (collapsed) for (let i = 0; i < pending.length; i++) slotPos[pending.slot[i]!] = -1;
    collapsed = false;
    pending.length = 0;
  };

  subs.push(options.readings$.subscribe(guarded('reading', (r: Reading) => {
    const slot = encoder.slotOf(r.station, r.parameter);
    if (slot < 0) return; // not in the catalogue (ingest refuses those): nothing to show it against
    if (!(latest.ts[slot]! > r.ts)) latest.set(slot, slot, r);
    const si = encoder.stationOfSlot[slot]!;
    if (!(received[si]! >= r.receivedAt)) received[si] = r.receivedAt;
    version += 1;
    const focused = watchers[si];
    if (focused !== undefined) {
      for (const c of focused) {
        c.focusPending.add(slot);
        scheduleFocus(c);
      }
    }
    if (collapsed) {
      // Collapsed: one entry per series, replaced by newer readings (no re-collapsing).
      const i = slotPos[slot]!;
      if (i < 0) slotPos[slot] = pending.push(slot, r);
      else {
        if (pending.ts[i]! <= r.ts) pending.set(i, slot, r);
        stats.coalesced += 1;
      }
      return;
    }
    pending.push(slot, r);
    if (pending.length > maxPending) collapsePending();
  })));
  if (options.presence$) {
    subs.push(options.presence$.subscribe(guarded('presence', (p: Presence) => {
      presence.set(p.station, p);
      pendingPresence.set(p.station, p);
      version += 1;
      for (const c of clients) {
        if (c.focus === undefined) continue;
        c.focusPresence.set(p.station, p);
        scheduleFocus(c);
      }
    })));
  }
  if (options.storage$) {
    subs.push(options.storage$.subscribe(guarded('storage condition', (s: StorageCondition) => {
      storage = s;
      version += 1;
      broadcastNow({ type: 'storage', serverTime: now(), storage: s });
    })));
  }
  if (options.alertEvents$) {
    subs.push(options.alertEvents$.subscribe(guarded('alert event', (event: AlertEvent) => {
      version += 1;
      broadcastNow({ type: 'alert', serverTime: now(), event });
    })));
  }

  function receivedAgo(serverTime: number): Array<number | null> {
    return Array.from(received, (t) => (Number.isNaN(t) ? null : serverTime - t));
  }

  const latestReadings = (): Reading[] => {
    const out: Reading[] = [];
    for (let slot = 0; slot < latest.length; slot++) if (!Number.isNaN(latest.ts[slot]!)) out.push(latest.reading(slot, encoder));
    return out;
  };

  const openAlerts = (): Alert[] => {
    try {
      return options.openAlerts?.() ?? [];
    } catch {
      return [];
    }
  };

  const snapshotText = (format: LiveFormat): string => {
    if (snapCache && snapCache.version === version && snapCache.format === format) return snapCache.text;
    const serverTime = now();
    let frame: LiveFrame;
    if (format === 'readings') {
      frame = { type: 'snapshot', serverTime, latest: latestReadings(), alerts: openAlerts(), presence: [...presence.values()], storage };
    } else {
      frame = {
        type: 'snap',
        serverTime,
        index: encoder.index,
        rows: encoder.rows(latestReadings(), serverTime),
        received: receivedAgo(serverTime),
        online: encoder.index.stations.map((id) => {
          const p = presence.get(id);
          return p === undefined ? null : p.state === 'online' ? 1 : 0;
        }),
        alerts: openAlerts(),
        storage,
      };
    }
    const text = JSON.stringify(frame);
    snapCache = { version, format, text };
    return text;
  };

  /** Forgets a client: the shared stream's count, its focus. */
  function drop(c: Client): void {
    if (!clients.delete(c)) return;
    if (c.focus === undefined) sharedClients -= 1;
    else unwatch(c);
  }

  /** One client's broken socket drops that client, never the frame for the others. */
  const write = (c: Client, data: string | Uint8Array): void => {
    try {
      c.socket.send(data);
      stats.bytesSent += data.length;
    } catch (err) {
      drop(c);
      try {
        c.socket.terminate();
      } catch {
        // already gone
      }
      failed('send to a client', err);
    }
  };

  const sendSnapshot = (c: Client): void => {
    let text: string;
    try {
      text = snapshotText(c.format === 'readings' ? 'readings' : 'compact'); // binary clients too: the snapshot carries the index
    } catch (err) {
      c.needsSnapshot = true; // tried again next tick
      failed('snapshot', err);
      return;
    }
    c.needsSnapshot = false;
    c.lastSnapshotAt = now();
    stats.snapshots += 1;
    write(c, text);
  };

  /** Is the client's socket backed up? Cuts it off past the hard bound or when stuck too long. */
  const congested = (c: Client): boolean => {
    if (c.socket.readyState !== c.socket.OPEN) return true;
    const buffered = c.socket.bufferedAmount;
    if (buffered > stats.peakBufferedBytes) stats.peakBufferedBytes = buffered;
    if (buffered <= maxBuffered) {
      c.congestedSince = undefined;
      return false;
    }
    c.congestedSince ??= now();
    if (buffered > hardBuffered || now() - c.congestedSince > stuckTimeoutMs) {
      c.socket.terminate();
      drop(c);
      stats.cutOff += 1;
    }
    return true;
  };

  function broadcastNow(frame: LiveFrame): void {
    const text = JSON.stringify(frame);
    for (const c of clients) {
      if (c.needsSnapshot || congested(c)) continue;
      write(c, text);
    }
  }

  const tick = (): void => {
    const t = now();
    tokens = Math.min(rate, tokens + ((t - lastRefill) / 1000) * rate);
    lastRefill = t;
    let compact: string | undefined;
    let binary: Uint8Array | undefined;
    let verbose: string | undefined;
    // While the bucket cannot take a frame of the size the last one suggests, hold it without
    // encoding: the readings keep coalescing, and an overloaded server spends no CPU on frames
    // it would throw away.
    const anyShared = sharedClients > 0;
    if (!anyShared) {
      // Nobody watches the shared stream: nothing to encode (the latest values are kept for the next snapshot).
      clearPending();
      pendingPresence = new Map();
    }
    const affordable = tokens >= rate || pending.length * bytesPerReading <= tokens;
    if (!anyShared) {
      // (focused clients only, below)
    } else if ((pending.length > 0 || pendingPresence.size > 0) && !affordable) {
      collapsePending();
    } else if (pending.length > 0 || pendingPresence.size > 0) {
      const presenceList = [...pendingPresence.values()];
      const extra = presenceList.length > 0 ? { presence: presenceList } : {};
      // Which encodings the shared stream's clients take this tick (a binary frame carries no
      // presence: binary clients get that tick's compact frame). The budget counts the larger.
      let wantBinary = false;
      let wantJson = false;
      let wantReadings = false;
      for (const c of clients) {
        if (c.focus !== undefined) continue;
        if (c.format === 'binary' && presenceList.length === 0) wantBinary = true;
        else wantJson = true;
        if (c.format === 'readings') wantReadings = true;
      }
      const encode = (): { compact?: string; binary?: Uint8Array; size: number } => {
        const rows = pending.rows(encoder, t);
        const json = wantJson ? JSON.stringify({ type: 'delta', serverTime: t, rows, ...extra }) : undefined;
        const bin = wantBinary ? encodeBinaryDelta(rows, t).bytes : undefined;
        return { compact: json, binary: bin, size: Math.max(json?.length ?? 0, bin?.length ?? 0) };
      };
      let frame: ReturnType<typeof encode> | undefined = encode();
      if (frame.size > tokens) {
        // Over budget: coalesce to the latest value per series; if that is still too much,
        // hold the frame until the bucket refills.
        collapsePending();
        frame = encode();
        if (frame.size > tokens && tokens < rate) frame = undefined;
      }
      if (pending.length > 0 && frame !== undefined) bytesPerReading = frame.size / pending.length;
      if (frame !== undefined) {
        tokens -= frame.size;
        compact = frame.compact;
        binary = frame.binary;
        if (wantReadings) {
          verbose = JSON.stringify({ type: 'readings', serverTime: t, readings: pending.readings(encoder), ...extra });
        }
        clearPending();
        pendingPresence = new Map();
      }
    }
    for (const c of clients) {
      if (c.focus !== undefined) {
        // Focused: its own frames (flushFocus); here only the resync and the once-a-second reception times.
        if (congested(c)) continue;
        if (c.needsSnapshot) {
          if (t - c.lastSnapshotAt < SNAPSHOT_EVERY_MS) continue;
          sendSnapshot(c);
          c.focusPending.clear();
          c.focusPresence.clear();
          c.lastFrameAt = t;
          c.receivedSentAt = t;
        } else if (t - c.receivedSentAt >= RECEIVED_QUIET_MS && t - c.lastFrameAt >= frameMs) flushFocus(c, true);
        continue;
      }
      if (congested(c)) {
        if (c.socket.readyState === c.socket.OPEN && (compact ?? binary) !== undefined) {
          c.needsSnapshot = true;
          stats.droppedFrames += 1;
        }
        continue;
      }
      if (c.needsSnapshot) {
        if (t - c.lastSnapshotAt < SNAPSHOT_EVERY_MS) continue;
        sendSnapshot(c);
      } else if (c.format === 'compact' && compact !== undefined) write(c, compact);
      else if (c.format === 'binary' && (binary ?? compact) !== undefined) write(c, (binary ?? compact)!);
      else if (c.format === 'readings' && verbose !== undefined) write(c, verbose);
      else continue;
      c.lastFrameAt = t;
      stats.deltaFrames += 1;
    }
  };
  const safeTick = (): void => {
    try {
      tick();
    } catch (err) {
      // Whatever made the frame fail is not kept for the next one: drop it and resync everyone.
      slotPos.fill(-1);
      collapsed = false;
      pending.length = 0;
      pendingPresence = new Map();
      for (const c of clients) c.needsSnapshot = true;
      failed('frame tick', err);
    }
  };
  const timer = setInterval(safeTick, frameMs);
  timer.unref();

  /**
   * A focused client's frame goes at once (on the next turn, so that it gathers the whole
   * message and whatever else this turn brings) when its last frame is `frameMs` old, else
   * when it will be: at most 4 frames a second, with no wait for a station that reports
   * less often than that.
   */
  function scheduleFocus(c: Client): void {
    if (c.flushScheduled) return;
    c.flushScheduled = true;
    const wait = c.lastFrameAt + frameMs - now();
    if (wait <= 0) setImmediate(flushFocus, c).unref();
    else setTimeout(flushFocus, wait, c).unref();
  }

  /** A focused client's frame: its pending readings, or (`receivedOnly`, from the tick) reception times alone. */
  function flushFocus(c: Client, receivedOnly = false): void {
    if (!receivedOnly) c.flushScheduled = false;
    if (!clients.has(c) || c.focus === undefined) return;
    try {
      const t = now();
      if (congested(c)) {
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
      for (const slot of c.focusPending) list.push(latest.reading(slot, encoder));
      c.focusPending.clear();
      const presenceList = [...c.focusPresence.values()];
      c.focusPresence.clear();
      const extra = presenceList.length > 0 ? { presence: presenceList } : {};
      let text: string;
      if (c.format !== 'readings') {
        // Binary clients too: a focus's frames are small, JSON costs them nothing.
        text = JSON.stringify({ type: 'delta', serverTime: t, rows: encoder.rows(list, t), ...extra, ...(withReceived ? { received: receivedAgo(t) } : {}) });
        if (withReceived) c.receivedSentAt = t;
      } else {
        text = JSON.stringify({ type: 'readings', serverTime: t, readings: list, ...extra });
      }
      if (withReadings) c.lastFrameAt = t;
      stats.deltaFrames += 1;
      write(c, text);
    } catch (err) {
      c.needsSnapshot = true;
      failed('focus frame', err);
    }
  }

  function unwatch(c: Client): void {
    for (const si of c.focus ?? []) {
      const w = watchers[si];
      w?.delete(c);
      if (w?.size === 0) watchers[si] = undefined;
    }
  }

  /** A client's view (core/live.ts, views): the stations it focuses on, or none (the shared stream). */
  function setFocus(c: Client, ids: readonly string[]): void {
    const indices: number[] = [];
    for (const id of ids) {
      const si = encoder.stationIndex(id);
      if (si !== undefined && !indices.includes(si)) indices.push(si);
    }
    const wasShared = c.focus === undefined;
    unwatch(c);
    c.focusPending.clear();
    c.focusPresence.clear();
    if (indices.length === 0) {
      if (wasShared) return;
      // Back to the shared stream: what it holds of the other stations is stale, so a snapshot.
      c.focus = undefined;
      sharedClients += 1;
      c.needsSnapshot = true;
      return;
    }
    if (wasShared) sharedClients -= 1;
    c.focus = indices;
    for (const si of indices) {
      (watchers[si] ??= new Set()).add(c);
      // The latest values at once: the shared stream may have held some back, or the focus moved.
      encoder.index.parameters[si]!.forEach((parameter) => {
        const slot = encoder.slotOf(encoder.index.stations[si]!, parameter);
        if (slot >= 0 && !Number.isNaN(latest.ts[slot]!)) c.focusPending.add(slot);
      });
    }
    c.receivedSentAt = -Infinity;
    scheduleFocus(c);
  }

  let badSinceLog = 0;
  let lastBadLog = -Infinity;
  /** A client's message: a focus, or ignored (counted, and logged at most once a minute). */
  function receive(c: Client, data: unknown, isBinary: boolean): void {
    const message = isBinary ? undefined : parseClientMessage(String(data));
    if (message !== undefined) {
      setFocus(c, message.stations);
      return;
    }
    stats.badMessages += 1;
    badSinceLog += 1;
    const t = now();
    if (t - lastBadLog < ERROR_LOG_MS) return;
    options.log?.warn({ count: badSinceLog }, `live hub: ignored a client message that is not {"type":"focus","stations":[...]} (at most ${MAX_FOCUS_STATIONS} station ids)`);
    lastBadLog = t;
    badSinceLog = 0;
  }

  return {
    attach(socket, info = { format: 'compact' }) {
      const c: Client = {
        socket, format: info.format, sessionId: info.sessionId, needsSnapshot: false, lastSnapshotAt: -Infinity, congestedSince: undefined,
        focus: undefined, focusPending: new Set(), focusPresence: new Map(), lastFrameAt: -Infinity, receivedSentAt: -Infinity, flushScheduled: false,
      };
      clients.add(c);
      sharedClients += 1;
      // The browser may send its view (a focus); anything else is ignored (bounded by maxPayload).
      socket.on('message', (data: unknown, isBinary: boolean) => {
        try {
          receive(c, data, isBinary);
        } catch (err) {
          failed('client message', err);
        }
      });
      socket.on('close', () => drop(c));
      socket.on('error', () => drop(c));
      sendSnapshot(c);
    },
    latest: latestReadings,
    presence: () => [...presence.values()],
    storage: () => storage,
    closeSession(sessionId) {
      for (const c of clients) {
        if (c.sessionId === sessionId) {
          c.socket.close(4401, 'session ended');
          drop(c);
        }
      }
    },
    sessionIds: () => [...new Set([...clients].map((c) => c.sessionId).filter((s): s is string => s !== undefined))],
    stats: () => ({ ...stats, clients: clients.size, focused: clients.size - sharedClients }),
    close() {
      clearInterval(timer);
      for (const s of subs) s.unsubscribe();
      for (const c of clients) c.socket.close(1001, 'server shutting down');
      clients.clear();
      sharedClients = 0;
      watchers.fill(undefined);
    },
  };
}

/** core/live.ts `LiveClientMessage`, checked by hand (it is one small shape). */
export function parseClientMessage(text: string): { type: 'focus'; stations: string[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, stations } = parsed as Record<string, unknown>;
  if (type !== 'focus' || !Array.isArray(stations) || stations.length > MAX_FOCUS_STATIONS) return undefined;
  if (!stations.every((id): id is string => typeof id === 'string' && id.length <= 200)) return undefined;
  return { type, stations };
}
