import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import type {
  AdmitMessage,
  AdmitResult,
  Catalogue,
  DurableLog,
  LogCursor,
  Logger,
  Reading,
  StorageCondition,
  StoreLines,
} from '../core/index.js';
import type { Clock, SchedulerLike } from '../platform/index.js';
import type { InfluxClient } from './influx-client.js';
import type { RejectionEvent } from './ingest-admit.js';
import type { IngestHealth } from './ingest-status.js';
import type { ValidationWindow } from './validate.js';

/** Ingest's options, settings and handle (createIngest in ingest.ts; cluster mode in ingest-cluster.ts). */
export interface IngestSettings {
  spool: { budgetBytes: number; highWaterBytes: number; segmentBytes: number; maxSlowdownMs: number };
  delivery: { batchLines: number; batchBytes: number; flushMs: number; retryMaxMs: number; drainMs: number; concurrency?: number };
  deadLetters: { maxAgeDays: number; maxBytes: number };
  /** The backlog condition is raised when undelivered data is older than this, ms. */
  backlogAlertMs: number;
  /**
   * Writes a `#seq <station> <seq>` comment line before a message's readings in the spool, so a
   * cursor's consumer (the upstream relay) can forward the seq (docs/PROTOCOL.md); InfluxDB's
   * line protocol skips comment lines. main.ts sets it when UPSTREAM_URL is set.
   */
  recordSeq?: boolean;
}

export const DEFAULT_INGEST_SETTINGS: IngestSettings = {
  spool: { budgetBytes: 1024 ** 3, highWaterBytes: 512 * 1024 ** 2, segmentBytes: 16 * 1024 ** 2, maxSlowdownMs: 1000 },
  delivery: { batchLines: 20_000, batchBytes: 4 * 1024 ** 2, flushMs: 200, retryMaxMs: 30_000, drainMs: 3000 },
  deadLetters: { maxAgeDays: 90, maxBytes: 256 * 1024 ** 2 },
  backlogAlertMs: 60_000,
};

export interface IngestOptions {
  catalogue: Catalogue;
  influx: InfluxClient;
  log: Logger;
  window: ValidationWindow;
  /** DATA_DIR: the spool lives in `spool/`, the dead letters in `deadletters/`. */
  dataDir: string;
  settings?: Partial<IngestSettings>;
  /** The centre's prom-client registry (createMetricsRegistry); ingest registers its metrics there. */
  registry?: Registry;
  /** Reads the time (receivedAt, backlog age); default: the scheduler's. */
  clock?: Clock;
  /** Every wait and tick (storage tick, slowdown, delivery, dead-letter fsync): virtual time in tests. Default systemScheduler. */
  scheduler?: SchedulerLike;
  /**
   * Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): the replicated log replaces the spool
   * on the admit path (and for appendLines); no spool, no delivery loop. Unset: the single
   * process, unchanged.
   */
  durableLog?: DurableLog;
  /**
   * When set, readings$ is this stream (cluster mode: the fan-out reader, every node's
   * readings) and admit emits nothing itself: one readings$ in the centre either way.
   */
  readingsFrom?: Observable<Reading>;
  /** Cluster mode: the storage condition (the log's delivery backlog); without it, cluster mode shows none. */
  storageFrom?: Observable<StorageCondition>;
}

export interface Ingest {
  /** Validates, makes the accepted readings durable (fsync), then resolves: the broker PUBACKs after this. */
  admit(message: AdmitMessage): Promise<AdmitResult>;
  /** Every accepted reading, as soon as it is durable (never waits on InfluxDB): alerts, dashboard. */
  readonly readings$: Observable<Reading>;
  readonly rejections$: Observable<RejectionEvent>;
  /** The spool's condition: raise a `backlog` alert and show it while `backlog` is true. */
  readonly storage$: Observable<StorageCondition>;
  readonly influx: InfluxClient;
  /**
   * Cluster mode only: this node's InfluxDB writer with split-on-refusal and dead letters
   * (core/ports.ts StoreLines), for the cluster's group delivery.
   */
  readonly storeLines?: StoreLines;
  /** Writes other line protocol (alert events) through the spool; resolves once durable. Never held back by the budget. */
  appendLines(lines: string[]): Promise<void>;
  /**
   * A named cursor over the spool (core/ports.ts LogCursor; docs/ARCHITECTURE.md, "One durable
   * log, many cursors"): at its stored position, or at the end of the spool the first time.
   * The spool keeps what it has not passed, and its backlog counts against the budget.
   */
  openCursor(name: string): Promise<LogCursor>;
  /** Deletes a cursor (its file), so it no longer pins the spool; nothing when there is none. */
  dropCursor(name: string): Promise<void>;
  /** Keeps a message another part refused in the dead-letter store, with its reasons. */
  deadLetter(message: AdmitMessage, errors: Array<{ path: string; code: string; message: string }>): Promise<void>;
  /** For /healthz. */
  health(): IngestHealth;
  /**
   * Resolves once everything made durable so far is in InfluxDB (2xx) or dead-lettered;
   * rejects after `timeoutMs`. For tests and for an operator's "drain" before maintenance.
   */
  delivered(timeoutMs?: number): Promise<void>;
  /** Stops admitting, delivers what it can in `drainMs`, and closes; what is left is delivered at the next start. */
  close(): Promise<void>;
}
