import type { Observable } from 'rxjs';
import type { Alert, AlertEvent, Silence } from './alert.js';

/**
 * The alerts part in cluster mode (docs/ARCHITECTURE.md, "Cluster mode": alert rules ownership),
 * as a port: cluster/ implements it over Redis, alerts/ uses it, main.ts passes it
 * (`cluster` in the alerts' options). Absent, the alerts part is the single process it always was.
 */

/** Stations whose shard this node gained or lost. */
export interface StationsChange {
  gained: string[];
  lost: string[];
}

/** An operator's action made on any node, applied by the owner of the station's shard. */
export type AlertAction =
  | { kind: 'acknowledge'; id: string; by: string; note?: string }
  | { kind: 'silence'; input: { station: string; parameter?: string; until: number; by: string; reason?: string } };

/** What an owner tells the other nodes: an alert event, or a maintenance window it set. */
export type AlertNews = { event: AlertEvent } | { silence: Silence };

export interface AlertsClusterPort {
  /** The stations held now (as one `gained`) on subscription, then every change, before its leases are released. */
  readonly changes$: Observable<StationsChange>;
  /** Open alerts as their owners last wrote them (`qt:alerts:open`): of these stations, or all. */
  loadOpen(stations?: readonly string[]): Promise<Alert[]>;
  /** Writes an alert's change (a resolved one is removed); only while this node holds the station's lease. */
  saveAlert(alert: Alert): void;
  /** Maintenance windows in force: of these stations, or all. */
  loadSilences(stations?: readonly string[]): Promise<Silence[]>;
  saveSilence(silence: Silence): void;
  /** To every other node (`qt:alert-events`). */
  publish(news: AlertNews): void;
  /** What the other nodes published, each once. */
  readonly news$: Observable<AlertNews>;
  /** Sends an action to the station's owner (`qt:alert-actions`); rejects with a retryable error when no answer comes in time. */
  route(station: string, action: AlertAction): Promise<unknown>;
  /** Serves the actions routed to this node. */
  serve(handler: (action: AlertAction) => Promise<unknown>): void;
  /** Runs before a lost shard's leases are released, so the last writes land while they hold. */
  setDrain(drain: (stations: string[]) => Promise<void>): void;
  /** Resolves when the writes under way are done. */
  writesDone(): Promise<void>;
}
