import { Subject, type Observable } from 'rxjs';
import type { Presence } from '../core/index.js';
import { systemClock, type Clock } from '../platform/index.js';

export interface PresenceTracker {
  /** State changes only: one event when a station goes online or offline. */
  readonly presence$: Observable<Presence>;
  /** The latest known state of a station; undefined before it was ever seen. */
  current(stationId: string): Presence | undefined;
  snapshot(): Presence[];
  /**
   * An authenticated connection serves these stations (before its CONNACK). `relayed`: a
   * province centre's relay, which reports each station's own state on the status topic.
   */
  attach(connection: object, stations: Iterable<string>, relayed?: boolean): void;
  /**
   * The connection is established: its stations are online, except, for a relay, those its
   * status messages last said were offline (the province still sees them so).
   */
  ready(connection: object): void;
  /** The connection is gone (socket loss, keepalive timeout, DISCONNECT): offline unless another serves the station. */
  detach(connection: object): void;
  /** A `stations/{id}/status` message or will from `connection`. */
  status(presence: Presence, connection: object | null): void;
  complete(): void;
}

/**
 * Presence per station for the alerts engine ("transmission interrupted") and the dashboard.
 * Sources, per PROTOCOL.md: the status topic, the MQTT will, and the connection itself, so a
 * gateway that sets no will still goes offline when its socket dies or its keepalive lapses.
 * Keyed by station (ARCHITECTURE.md: state keyed by station).
 */
export function createPresenceTracker(options: { clock?: Clock } = {}): PresenceTracker {
  const clock = options.clock ?? systemClock;
  const subject = new Subject<Presence>();
  const states = new Map<string, Presence>();
  const serving = new Map<string, Set<object>>();
  const stationsOf = new Map<object, string[]>();
  const relays = new WeakSet<object>();
  /** A relay reconnecting must not bring back a station the province reported offline (docs/PROTOCOL.md, "Between centres"). */
  const reportedOffline = (s: string): boolean => {
    const p = states.get(s);
    return p?.state === 'offline' && (p.reason === 'status' || p.reason === 'will');
  };

  const set = (p: Presence): void => {
    if (states.get(p.station)?.state === p.state) return;
    states.set(p.station, p);
    subject.next(p);
  };

  return {
    presence$: subject.asObservable(),
    current: (id) => states.get(id),
    snapshot: () => [...states.values()],
    attach(connection, stations, relayed = false) {
      const list = [...stations];
      stationsOf.set(connection, list);
      if (relayed) relays.add(connection);
      for (const s of list) {
        let set = serving.get(s);
        if (!set) serving.set(s, (set = new Set()));
        set.add(connection);
      }
    },
    ready(connection) {
      const now = clock.now();
      const relayed = relays.has(connection);
      for (const s of stationsOf.get(connection) ?? []) {
        if (relayed && reportedOffline(s)) continue;
        set({ station: s, state: 'online', ts: now, reason: 'connect' });
      }
    },
    detach(connection) {
      const list = stationsOf.get(connection);
      if (!list) return;
      stationsOf.delete(connection);
      const now = clock.now();
      for (const s of list) {
        const others = serving.get(s);
        others?.delete(connection);
        if (others && others.size > 0) continue;
        serving.delete(s);
        if (states.get(s)?.state === 'online') set({ station: s, state: 'offline', ts: now, reason: 'disconnect' });
      }
    },
    status(presence, connection) {
      // A will from a connection replaced by a newer one for the same station (a gateway
      // reconnecting before the old socket timed out) does not make the station offline.
      if (presence.reason === 'will' && [...(serving.get(presence.station) ?? [])].some((c) => c !== connection)) return;
      set(presence);
    },
    complete: () => subject.complete(),
  };
}
