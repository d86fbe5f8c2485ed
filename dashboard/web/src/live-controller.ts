import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Alert, AlertEvent, LiveIndex, Reading, StorageCondition } from '../../../core/index.js';
// The codec file itself, not core/index.ts: the bundle takes pure functions, never zod.
import { decodeLiveRows } from '../../../core/live-codec.js';
import { SESSION_LOST } from './api.js';
import { readFrame } from './read-frame.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

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

export interface LiveControllerOptions {
  /** Defaults to `/ws?format=binary` on the page's own host. */
  url?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
}

function defaultUrl(): string {
  // Binary deltas (core/live-binary.ts): half the bytes of JSON rows on the every-station stream.
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?format=binary`;
}

function sameReadings(a: ReadonlyMap<string, Reading>, b: ReadonlyMap<string, Reading>): boolean {
  if (a.size !== b.size) return false;
  for (const [parameter, r] of a) {
    const o = b.get(parameter);
    if (o === undefined || o.ts !== r.ts || o.value !== r.value || o.status !== r.status || o.unit !== r.unit) return false;
  }
  return true;
}

/** The server ends a socket with this code when its session ended (logout, expiry, disabled). */
const SESSION_ENDED = 4401;

/**
 * Owns the live socket (core/live.ts): opens it when the host connects, closes it when the
 * host disconnects, reconnects with capped exponential backoff and resumes from the
 * snapshot the server sends on every connect. Keeps the latest reading of every station and
 * parameter, the open alerts, station presence and the storage condition. Renders are
 * coalesced to one per animation frame however many frames arrive.
 */
export class LiveController implements ReactiveController {
  state: ConnectionState = 'connecting';
  /**
   * Latest readings by station id. An entry is replaced, never mutated, once a render has
   * seen it, so a row can tell by identity whether its station changed.
   */
  readonly latest: ReadonlyMap<string, StationLatest>;
  /** Bumped whenever `latest` changed. */
  version = 0;
  /** Open alerts by id; replaced (a new Map) whenever they change. */
  alerts: ReadonlyMap<string, Alert> = new Map();
  /** Station presence by id: true online, false offline (absent: not known). */
  online: ReadonlyMap<string, boolean> = new Map();
  storage: StorageCondition | null = null;
  /** Centre clock minus this browser's clock, from the last frame's `serverTime`. */
  clockOffsetMs = 0;

  readonly #host: ReactiveControllerHost;
  readonly #url: string | undefined;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #latest = new Map<string, MutableLatest>();
  /** Entries created since the last render: nobody holds them yet, so they may be mutated. */
  readonly #unseen = new Set<string>();
  readonly #alertListeners = new Set<(event: AlertEvent) => void>();
  #index: LiveIndex | undefined;
  #socket: WebSocket | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #frame: number | undefined;
  #active = false;
  /** The stations of the view (core/live.ts, views): none for the shared stream of every station. */
  #focus: readonly string[] = [];

  constructor(host: ReactiveControllerHost, options: LiveControllerOptions = {}) {
    this.#host = host;
    this.#url = options.url;
    this.#minDelayMs = options.minDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
    this.latest = this.#latest;
    host.addController(this);
  }

  /** Alert events as they arrive (sound, desktop notification); returns the unsubscribe. */
  onAlertEvent(listener: (event: AlertEvent) => void): () => void {
    this.#alertListeners.add(listener);
    return () => this.#alertListeners.delete(listener);
  }

  /**
   * Tells the centre which stations the page shows (the station page: its station), so that
   * their readings come at once rather than on the every-station stream's 250 ms frames; an
   * empty list returns to that stream. Kept across reconnects.
   */
  focus(stations: readonly string[]): void {
    if (stations.length === this.#focus.length && stations.every((s, i) => s === this.#focus[i])) return;
    this.#focus = [...stations];
    this.#sendFocus();
  }

  #sendFocus(): void {
    const socket = this.#socket;
    if (socket === undefined || this.state !== 'open') return; // sent on open
    socket.send(JSON.stringify({ type: 'focus', stations: this.#focus }));
  }

  hostConnected(): void {
    this.#active = true;
    this.#attempt = 0;
    this.#open();
  }

  hostDisconnected(): void {
    this.#active = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'page closed');
    this.state = 'closed';
  }

  /** Every render, whoever asked for it, passes here: from now on the host holds the entries. */
  hostUpdate(): void {
    this.#unseen.clear();
  }

  #open(): void {
    this.#retryTimer = undefined;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url ?? defaultUrl());
    } catch {
      this.#retry(false);
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    let opened = false;
    // Handlers check identity: a socket we let go of must not touch state any more.
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      opened = true;
      this.state = 'open';
      if (this.#focus.length > 0) this.#sendFocus();
      this.#scheduleRender();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (socket === this.#socket) this.#receive(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      if (event.code === SESSION_ENDED) {
        this.#active = false;
        this.state = 'closed';
        window.dispatchEvent(new Event(SESSION_LOST));
        return;
      }
      this.#retry(!opened);
    };
  }

  #retry(refused: boolean): void {
    if (!this.#active) return;
    this.state = 'reconnecting';
    this.#scheduleRender();
    // An upgrade refused before opening may mean the session is gone (the browser does not
    // say why): ask the API, which signals SESSION_LOST on 401.
    if (refused) void fetch('/api/me', { credentials: 'same-origin' }).then((r) => {
      if (r.status === 401) {
        this.#active = false;
        clearTimeout(this.#retryTimer);
        window.dispatchEvent(new Event(SESSION_LOST));
      }
    }, () => undefined);
    // Equal jitter: half the nominal delay plus a random part of the other half, so that
    // hundreds of control-room screens do not all come back on the same tick after a restart.
    const nominal = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#open(), nominal / 2 + (Math.random() * nominal) / 2);
  }

  #receive(data: unknown): void {
    const frame = readFrame(data);
    if (frame === undefined) return;
    this.clockOffsetMs = frame.serverTime - Date.now();
    switch (frame.type) {
      case 'snap': {
        // A connection that delivered its snapshot is healthy: start backing off afresh.
        this.#attempt = 0;
        this.#index = frame.index;
        const received = frame.received;
        this.#replace(decodeLiveRows(frame.index, frame.rows, frame.serverTime, (si) => frame.serverTime - (received[si] ?? Infinity)));
        const online = new Map<string, boolean>();
        frame.index.stations.forEach((id, i) => {
          const o = frame.online[i];
          if (o === 0 || o === 1) online.set(id, o === 1);
        });
        this.online = online;
        this.alerts = new Map(frame.alerts.filter((a) => a.state !== 'resolved').map((a) => [a.id, a]));
        this.storage = frame.storage;
        break;
      }
      case 'delta':
        if (this.#index) this.#apply(decodeLiveRows(this.#index, frame.rows, frame.serverTime));
        if (frame.received && this.#index) this.#received(this.#index.stations, frame.received, frame.serverTime);
        if (frame.presence.length > 0) {
          const online = new Map(this.online);
          for (const p of frame.presence) online.set(p.station, p.state === 'online');
          this.online = online;
        }
        break;
      case 'alert': {
        const alerts = new Map(this.alerts);
        const a = frame.event.alert;
        if (a.state === 'resolved') alerts.delete(a.id);
        else alerts.set(a.id, a);
        this.alerts = alerts;
        for (const l of this.#alertListeners) l(frame.event);
        break;
      }
      case 'storage':
        this.storage = frame.storage;
        break;
      case 'snapshot':
        this.#attempt = 0;
        this.#replace(frame.latest);
        break;
      case 'readings':
        this.#apply(frame.readings);
        break;
    }
    this.version += 1;
    this.#scheduleRender();
  }

  /** Local change after an acknowledgement over REST (the event also arrives on the socket). */
  updateAlert(alert: Alert): void {
    const alerts = new Map(this.alerts);
    if (alert.state === 'resolved') alerts.delete(alert.id);
    else alerts.set(alert.id, alert);
    this.alerts = alerts;
    this.version += 1;
    this.#scheduleRender();
  }

  /** A snapshot is the whole truth (core/live.ts); unchanged stations keep their entry. */
  #replace(latest: readonly Reading[]): void {
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
      if (previous !== undefined && sameReadings(previous.readings, entry.readings) && previous.lastReceivedAt === entry.lastReceivedAt) next.set(station, previous);
      else this.#unseen.add(station);
    }
    this.#latest.clear();
    for (const [station, entry] of next) this.#latest.set(station, entry);
  }

  /** Deltas; a reading older than the one held (a late redelivery) is ignored. */
  #apply(readings: readonly Reading[]): void {
    for (const r of readings) {
      let entry = this.#latest.get(r.station);
      const held = entry?.readings.get(r.parameter);
      if (held !== undefined && r.ts < held.ts) continue;
      if (entry === undefined || !this.#unseen.has(r.station)) {
        entry = {
          readings: new Map(entry?.readings),
          lastTs: entry?.lastTs ?? -Infinity,
          lastReceivedAt: entry?.lastReceivedAt ?? -Infinity,
        };
        this.#latest.set(r.station, entry);
        this.#unseen.add(r.station);
      }
      entry.readings.set(r.parameter, r);
      track(entry, r);
    }
  }

  /** A focused view's reception times of every station (once a second): keeps "reporting" right. */
  #received(stations: readonly string[], ago: ReadonlyArray<number | null>, serverTime: number): void {
    stations.forEach((station, si) => {
      const a = ago[si];
      if (a === null || a === undefined) return;
      const at = serverTime - a;
      let entry = this.#latest.get(station);
      if (entry === undefined || entry.lastReceivedAt >= at) return;
      if (!this.#unseen.has(station)) {
        entry = { readings: new Map(entry.readings), lastTs: entry.lastTs, lastReceivedAt: entry.lastReceivedAt };
        this.#latest.set(station, entry);
        this.#unseen.add(station);
      }
      entry.lastReceivedAt = at;
    });
  }

  #scheduleRender(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#host.requestUpdate();
    });
  }
}
