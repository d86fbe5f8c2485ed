import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Reading } from '../../../core/index.js';
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
  /** Defaults to `/ws` on the page's own host. */
  url?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
}

function defaultUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function sameReadings(a: ReadonlyMap<string, Reading>, b: ReadonlyMap<string, Reading>): boolean {
  if (a.size !== b.size) return false;
  for (const [parameter, r] of a) {
    const o = b.get(parameter);
    if (o === undefined || o.ts !== r.ts || o.value !== r.value || o.status !== r.status || o.unit !== r.unit) return false;
  }
  return true;
}

/**
 * Owns the live socket (core/live.ts): opens it when the host connects, closes it when the
 * host disconnects, reconnects with capped exponential backoff, and keeps the latest
 * reading of every station and parameter. Renders are coalesced to one per animation frame
 * however many frames arrive.
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
  /** Centre clock minus this browser's clock, from the last frame's `serverTime`. */
  clockOffsetMs = 0;

  readonly #host: ReactiveControllerHost;
  readonly #url: string | undefined;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #latest = new Map<string, MutableLatest>();
  /** Entries created since the last render: nobody holds them yet, so they may be mutated. */
  readonly #unseen = new Set<string>();
  #socket: WebSocket | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #frame: number | undefined;
  #active = false;

  constructor(host: ReactiveControllerHost, options: LiveControllerOptions = {}) {
    this.#host = host;
    this.#url = options.url;
    this.#minDelayMs = options.minDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
    this.latest = this.#latest;
    host.addController(this);
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
      this.#retry();
      return;
    }
    this.#socket = socket;
    // Handlers check identity: a socket we let go of must not touch state any more.
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.state = 'open';
      this.#scheduleRender();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (socket === this.#socket) this.#receive(event.data);
    };
    socket.onclose = () => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      this.#retry();
    };
  }

  #retry(): void {
    if (!this.#active) return;
    this.state = 'reconnecting';
    this.#scheduleRender();
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
    if (frame.type === 'snapshot') {
      // A connection that delivered its snapshot is healthy: start backing off afresh.
      this.#attempt = 0;
      this.#replace(frame.latest);
    } else {
      this.#apply(frame.readings);
    }
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
      if (previous !== undefined && sameReadings(previous.readings, entry.readings)) next.set(station, previous);
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

  #scheduleRender(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#host.requestUpdate();
    });
  }
}
