import type { Aedes } from 'aedes';
import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import type { AcceptForwarded, Admit, BrokerClusterParts, Catalogue, Logger, Presence } from '../core/index.js';
import type { Clock, SchedulerLike } from '../platform/index.js';
import type { ProvisionRequest } from './authenticator.js';

/** Per-client limits, so no client can exhaust the centre; docs/CONFIGURATION.md, "Broker (MQTT)", has the defaults' reasons. */
export interface BrokerLimits {
  /** Largest PUBLISH payload; a packet beyond it plus 1 KiB of headers closes the connection. */
  maxPayloadBytes: number;
  maxClientIdLength: number;
  /** Keepalive 0 or above this is treated as this: a silent connection dies after 1.5 x it. */
  maxKeepaliveS: number;
  /** Readings messages of one client being admitted at once (and QoS 2 awaiting PUBREL). */
  maxInflight: number;
  /** Bytes queued to one client's socket before it is dropped as a slow consumer. */
  maxOutboundBytes: number;
  /** A client whose socket stays full this long is dropped (Aedes drainTimeout). */
  drainTimeoutMs: number;
  /** QoS 1 messages held for one client id (offline persistent session, or unacknowledged) at most. */
  maxQueued: number;
  /** Connections accepted and not yet logged in, at most; one more is closed at once. */
  maxPendingConnections: number;
  /** Largest first packet (the CONNECT), by its Remaining Length: a larger one closes the connection as its header arrives. */
  maxConnectBytes: number;
  /** A connection whose CONNECT has not arrived this long after it opened is closed (Aedes connectTimeout). */
  connectTimeoutMs: number;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxPayloadBytes: 256 * 1024,
  maxClientIdLength: 128,
  maxKeepaliveS: 300,
  maxInflight: 16,
  maxOutboundBytes: 1024 * 1024,
  drainTimeoutMs: 5_000,
  maxQueued: 1000,
  maxPendingConnections: 1000,
  maxConnectBytes: 16 * 1024,
  connectTimeoutMs: 10_000,
};

export interface BrokerOptions {
  host: string;
  port: number;
  /** MQTT over TLS: PEM files (MQTT_TLS_CERT, MQTT_TLS_KEY). */
  tls?: { port: number; certFile: string; keyFile: string };
  /** MQTT over WebSocket. */
  wsPort?: number;
  /** Ingest's admission: the PUBACK of a readings message waits for it (docs/ARCHITECTURE.md). */
  admit: Admit;
  /**
   * A relay account's alert events and link state (docs/PROTOCOL.md, "Between centres"): the
   * PUBACK waits for it, and a rejection closes the relay's connection so it resends. Without
   * it they are acknowledged and not kept.
   */
  acceptForwarded?: AcceptForwarded;
  /** Which stations exist: accounts may only name these. */
  catalogue: Pick<Catalogue, 'station'>;
  /** The credentials file (DATA_DIR/credentials.json), written by `quantrac gateway ...`. */
  credentialsFile: string;
  /**
   * Failed logins per address per minute before it is refused for `blockMs`; secret checks
   * running and waiting at most; scrypt N for in-memory accounts; how often the credentials
   * file is checked for changes.
   */
  auth?: {
    maxFailuresPerMinute?: number;
    blockMs?: number;
    maxConcurrentChecks?: number;
    maxQueuedChecks?: number;
    scryptCost?: number;
    pollMs?: number;
  };
  limits?: Partial<BrokerLimits>;
  /** Where the broker's counters go (the `/metrics` registry); default a private one. */
  registry?: Registry;
  log: Logger;
  /** Reads the time (presence timestamps, log intervals, the login throttle); default the scheduler's. */
  clock?: Clock;
  /** Runs the credentials poll and delayed presence changes; default systemScheduler. */
  scheduler?: SchedulerLike;
  /**
   * Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): the emitter and persistence the nodes
   * share through Redis (cluster/ createClusterBrokerParts), in place of the in-memory ones. The
   * broker closes them. Absent in single-process mode, which then runs exactly as before.
   */
  cluster?: BrokerClusterParts;
}

export interface Broker {
  readonly port: number;
  readonly address: string;
  readonly tlsPort?: number;
  readonly wsPort?: number;
  readonly aedes: Aedes;
  /** Online/offline transitions per station, from the status topic, the will and the connection itself. */
  readonly presence$: Observable<Presence>;
  /** A station's current presence; undefined before it was ever seen. */
  presence(stationId: string): Presence | undefined;
  presenceSnapshot(): Presence[];
  /** An account kept in memory only, for demo mode and tests; returns its MQTT username and password. */
  provision(request: ProvisionRequest): { username: string; password: string };
  /** The stations an enabled gateway or relay account serves, as the credentials say now (the downstream's accountStations). */
  accountStations(account: string): readonly string[] | undefined;
  readonly metrics: Registry;
  /** Publishes from the centre (rejection notices, alerts). */
  publish(topic: string, payload: string | Buffer, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}
