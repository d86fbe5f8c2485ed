import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { statusTopic, type Presence } from '../core/index.js';
import { everyUnref } from '../platform/index.js';
import type { UpstreamConnection } from './upstream-connection.js';

const RETAINED = { qos: 1, retain: true } as const;

/** Publishes and forgets: a loss of the connection is the reconnect loop's to handle, and the next connection publishes again. */
const fireAndForget = (conn: UpstreamConnection, topic: string, payload: string): void =>
  void conn.publish(topic, payload, RETAINED).catch(() => undefined);

/**
 * Station presence upstream, in the gateway contract (docs/PROTOCOL.md, "Topics"): each change
 * from `presence$` is published retained at QoS 1 on `stations/{id}/status`, and every
 * (re)connection publishes the last known state of every station again, so the upstream's
 * retained state never stays stale after an outage. Only catalogue stations: the relay's
 * upstream account may publish only for them.
 */
export class StationStatusRelay {
  private readonly states = new Map<string, { state: Presence['state']; ts: number }>();
  private readonly subscription: Subscription;
  private conn: UpstreamConnection | undefined;

  constructor(presence$: Observable<Presence>, isKnown: (stationId: string) => boolean) {
    this.subscription = presence$.subscribe((p) => {
      if (!isKnown(p.station)) return;
      const last = this.states.get(p.station);
      if (last && last.state === p.state && last.ts === p.ts) return;
      this.states.set(p.station, { state: p.state, ts: p.ts });
      if (this.conn) this.publish(this.conn, p.station);
    });
  }

  /** A new connection: publish every known state, then each change as it comes. */
  attach(conn: UpstreamConnection): void {
    this.conn = conn;
    for (const station of this.states.keys()) this.publish(conn, station);
  }

  detach(): void {
    this.conn = undefined;
  }

  close(): void {
    this.subscription.unsubscribe();
    this.conn = undefined;
  }

  private publish(conn: UpstreamConnection, station: string): void {
    const s = this.states.get(station)!;
    fireAndForget(conn, statusTopic(station), JSON.stringify({ state: s.state, ts: s.ts }));
  }
}

/** The relay's own status topic at the upstream, so the national dashboard sees this province's link. */
export const relayStatusTopic = (username: string): string => `centres/${username}/relay`;

/** The will on that topic: set by the upstream broker when the relay's connection is lost without a DISCONNECT. */
export const RELAY_WILL = JSON.stringify({ connected: false });

export interface RelayHeartbeat {
  ts: number;
  connected: true;
  backlogBytes: number;
  backlogPoints: number;
  lagMs: number;
  forwarded: number;
}

/**
 * Publishes the relay's status retained at QoS 1 on `centres/{username}/relay` at once and
 * every `periodMs` (10 s) while the connection lasts; unsubscribe to stop.
 */
export function startHeartbeat(
  conn: UpstreamConnection,
  topic: string,
  status: () => RelayHeartbeat,
  scheduler: SchedulerLike,
  periodMs = 10_000,
): Subscription {
  const beat = (): void => fireAndForget(conn, topic, JSON.stringify(status()));
  beat();
  return everyUnref(scheduler, beat, periodMs);
}
