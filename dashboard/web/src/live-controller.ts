import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Alert, AlertEvent, LiveIndex, StorageCondition } from '../../../core/index.js';
// The codec file itself, not core/index.ts: the bundle takes pure functions, never zod.
import { decodeLiveRows } from '../../../core/live-codec.js';
import { SESSION_LOST } from './api.js';
import { LIVE_RESYNCED, linkStatus, isLost, type Link, type LinkKind } from './live/connection.js';
import { LatestStore, type StationLatest } from './live/latest-store.js';
import { LiveSocket } from './live/live-socket.js';
import { readFrame, type PageFrame } from './read-frame.js';

export type { StationLatest } from './live/latest-store.js';
export type { ConnectionState } from './live/live-socket.js';

/** How often the page checks that frames still come (live/connection.ts, STALE_AFTER_MS). */
const WATCH_MS = 500;

export interface LiveControllerOptions {
  /** Defaults to `/ws?format=binary` on the page's own host. */
  url?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
}

type Snap = Extract<PageFrame, { type: 'snap' }>;

/** Open alerts after one alert changed: a resolved one leaves the map. A new Map, so views see the change. */
function withAlert(alerts: ReadonlyMap<string, Alert>, a: Alert): Map<string, Alert> {
  const next = new Map(alerts);
  if (a.state === 'resolved') next.delete(a.id);
  else next.set(a.id, a);
  return next;
}

/**
 * The page's live state (core/live.ts): the latest reading of every station and parameter,
 * the open alerts, station presence and the storage condition, fed by the live socket
 * (live/live-socket.ts: opened with the host, reconnected with backoff, snapshot on every
 * connect). Renders are coalesced to one per animation frame however many frames arrive.
 */
export class LiveController implements ReactiveController {
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
  readonly #store = new LatestStore();
  readonly #socket: LiveSocket;
  readonly #alertListeners = new Set<(event: AlertEvent) => void>();
  #index: LiveIndex | undefined;
  #frame: number | undefined;
  /** Browser time of the last frame of any kind (the server beats after 2 s of quiet). */
  #lastFrameAt: number | undefined;
  /** The link was lost (down or stale) since it was last live: the next frame resyncs the panels. */
  #lost = false;
  #lastKind: LinkKind = 'connecting';
  #watch: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost, options: LiveControllerOptions = {}) {
    this.#host = host;
    this.latest = this.#store.entries;
    this.#socket = new LiveSocket({
      ...options,
      onData: (data) => this.#receive(data),
      onStateChange: () => {
        this.#checkLink();
        this.#scheduleRender();
      },
      onSessionEnded: () => window.dispatchEvent(new Event(SESSION_LOST)),
    });
    host.addController(this);
  }

  get state(): LiveSocket['state'] {
    return this.#socket.state;
  }

  /** Whether what the page shows is live, and since when it is not (live/connection.ts). */
  link(now = Date.now()): Link {
    return linkStatus({ open: this.#socket.state === 'open', lastFrameAt: this.#lastFrameAt, now });
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
    this.#socket.focus(stations);
  }

  hostConnected(): void {
    this.#socket.open();
    this.#watch = setInterval(() => this.#checkLink(), WATCH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#socket.close();
  }

  /** Every render, whoever asked for it, passes here: from now on the host holds the entries. */
  hostUpdate(): void {
    this.#store.seen();
  }

  /** Local change after an acknowledgement over REST (the event also arrives on the socket). */
  updateAlert(alert: Alert): void {
    this.alerts = withAlert(this.alerts, alert);
    this.version += 1;
    this.#scheduleRender();
  }

  #receive(data: unknown): void {
    const frame = readFrame(data);
    if (frame === undefined) return;
    this.#lastFrameAt = Date.now();
    this.clockOffsetMs = frame.serverTime - this.#lastFrameAt;
    // A beat says only that the centre is there: no render unless it ends a loss.
    if (frame.type === 'beat') return this.#checkLink();
    switch (frame.type) {
      case 'snap':
        this.#snap(frame);
        break;
      case 'delta':
        if (this.#index) this.#store.apply(decodeLiveRows(this.#index, frame.rows, frame.serverTime));
        if (frame.received && this.#index) this.#store.received(this.#index.stations, frame.received, frame.serverTime);
        if (frame.presence.length > 0) {
          const online = new Map(this.online);
          for (const p of frame.presence) online.set(p.station, p.state === 'online');
          this.online = online;
        }
        break;
      case 'alert':
        this.alerts = withAlert(this.alerts, frame.event.alert);
        for (const l of this.#alertListeners) l(frame.event);
        break;
      case 'storage':
        this.storage = frame.storage;
        break;
      case 'snapshot':
        this.#socket.healthy();
        this.#store.replace(frame.latest);
        break;
      case 'readings':
        this.#store.apply(frame.readings);
        break;
    }
    this.version += 1;
    this.#scheduleRender();
    this.#checkLink();
  }

  /**
   * Follows the link: a change of kind re-renders (the banner, the greyed values); the first
   * frame after a loss (a reconnect's snapshot, which replaces everything the page held, or a
   * silent centre speaking again) tells the polling panels to reload.
   */
  #checkLink(): void {
    const kind = this.link().kind;
    if (isLost({ kind, since: undefined })) this.#lost = true;
    else if (kind === 'live' && this.#lost) {
      this.#lost = false;
      window.dispatchEvent(new Event(LIVE_RESYNCED));
    }
    if (kind !== this.#lastKind) this.#scheduleRender();
    this.#lastKind = kind;
  }

  #snap(frame: Snap): void {
    // A connection that delivered its snapshot is healthy: start backing off afresh.
    this.#socket.healthy();
    this.#index = frame.index;
    const received = frame.received;
    this.#store.replace(decodeLiveRows(frame.index, frame.rows, frame.serverTime, (si) => frame.serverTime - (received[si] ?? Infinity)));
    const online = new Map<string, boolean>();
    frame.index.stations.forEach((id, i) => {
      const o = frame.online[i];
      if (o === 0 || o === 1) online.set(id, o === 1);
    });
    this.online = online;
    this.alerts = new Map(frame.alerts.filter((a) => a.state !== 'resolved').map((a) => [a.id, a]));
    this.storage = frame.storage;
  }

  #scheduleRender(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#host.requestUpdate();
    });
  }
}
