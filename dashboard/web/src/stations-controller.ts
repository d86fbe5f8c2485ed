import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StationSummary } from '../../../core/index.js';
import { api } from './api.js';

/** The stations of one zone, in the order the centre lists them. */
export interface ZoneGroup {
  zoneId: string;
  zoneName: string;
  province: string;
  stations: StationSummary[];
}

export type StationsState = 'loading' | 'ready' | 'error';

const RETRY_MS = 5_000;

export function groupByZone(stations: readonly StationSummary[]): ZoneGroup[] {
  const groups = new Map<string, ZoneGroup>();
  for (const s of stations) {
    let group = groups.get(s.zoneId);
    if (group === undefined) {
      group = { zoneId: s.zoneId, zoneName: s.zoneName, province: s.province, stations: [] };
      groups.set(s.zoneId, group);
    }
    group.stations.push(s);
  }
  return [...groups.values()];
}

/**
 * Fetches `GET /api/stations` (core/live.ts) when the host connects, retrying every few
 * seconds until it answers; aborts when the host disconnects.
 */
export class StationsController implements ReactiveController {
  state: StationsState = 'loading';
  stations: readonly StationSummary[] = [];
  /** Stations by id. */
  byId: ReadonlyMap<string, StationSummary> = new Map();
  groups: readonly ZoneGroup[] = [];
  error: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #url: string;
  #abort: AbortController | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, url = '/api/stations') {
    this.#host = host;
    this.#url = url;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.state !== 'ready') void this.#load();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  async #load(): Promise<void> {
    this.#retryTimer = undefined;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const body = await api<{ stations?: unknown }>(this.#url, { signal: abort.signal });
      if (!Array.isArray(body.stations)) throw new Error(`GET ${this.#url}: no stations array`);
      this.stations = body.stations as StationSummary[];
      this.groups = groupByZone(this.stations);
      this.byId = new Map(this.stations.map((st) => [st.id, st]));
      this.state = 'ready';
      this.error = undefined;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.state = 'error';
      this.error = err instanceof Error ? err.message : String(err);
      this.#retryTimer = setTimeout(() => void this.#load(), RETRY_MS);
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
    this.#host.requestUpdate();
  }
}
