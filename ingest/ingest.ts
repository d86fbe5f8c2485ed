import { join } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import type { AdmitMessage, AdmitResult, Catalogue, LogCursor, Logger, Reading, StorageCondition } from '../core/index.js';
import { createRateLimitedLog, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { keepRefused } from './dead-letter-refused.js';
import { createDeadLetterStore } from './dead-letters.js';
import { createDelivery } from './delivery.js';
import type { InfluxClient } from './influx-client.js';
import { createAdmit, type RejectionEvent } from './ingest-admit.js';
import { createIngestMetrics, noMetrics } from './ingest-metrics.js';
import { ingestHealth, waitDelivered, type IngestHealth } from './ingest-status.js';
import { createReadingEncoder } from './line-protocol.js';
import { createSeqTracker } from './seq-tracker.js';
import { createSpool, type Spool } from './spool.js';
import { StorageMonitor } from './storage-condition.js';
import type { ValidationWindow } from './validate.js';

export type { RejectionEvent } from './ingest-admit.js';
export type { IngestHealth, PublicWriteError } from './ingest-status.js';

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

/**
 * Ingest: decode and validate per docs/PROTOCOL.md, dead-letter what is refused, append what is
 * accepted to the durable spool (group commit), and let the delivery loop take it to InfluxDB.
 * Composed of the admit path (createAdmit), the spool, the delivery loop, the dead-letter store
 * and the storage condition with its tick (StorageMonitor).
 */
export async function createIngest(options: IngestOptions): Promise<Ingest> {
  const { log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const settings: IngestSettings = { ...DEFAULT_INGEST_SETTINGS, ...options.settings };
  // Level changes are pushed at once; the monitor's tick catches the lag condition and bytes.
  const levels = { changed: (): void => undefined };
  const { spool, metrics, deadLetters } = await openStores(options, settings, clock, scheduler, () => levels.changed());
  const delivery = createDelivery({
    ...settings.delivery,
    spool,
    influx: options.influx,
    deadLetters,
    log: log.child({ part: 'delivery' }),
    metrics,
    clock,
    scheduler,
  });
  const storage = new StorageMonitor({
    spool,
    budgetBytes: settings.spool.budgetBytes,
    backlogAlertMs: settings.backlogAlertMs,
    log,
    clock,
    scheduler,
  });
  levels.changed = () => storage.evaluate();
  const readings$ = new Subject<Reading>();
  const rejections$ = new Subject<RejectionEvent>();
  let closing = false;
  const isClosing = (): boolean => closing;
  const admit = createAdmit({
    catalogue: options.catalogue,
    window: options.window,
    spool,
    deadLetters,
    seqTracker: createSeqTracker(),
    encodeReading: createReadingEncoder(),
    metrics,
    readings$,
    rejections$,
    warn: createRateLimitedLog(log, 60_000, clock),
    clock,
    scheduler,
    closing: isClosing,
    recordSeq: settings.recordSeq === true,
  });

  return {
    readings$: readings$.asObservable(),
    rejections$: rejections$.asObservable(),
    storage$: storage.storage$.asObservable(),
    influx: options.influx,
    appendLines: (lines) => spool.append(lines),
    admit,
    openCursor: (name) => spool.openCursor(name),
    dropCursor: (name) => spool.dropCursor(name),
    deadLetter: (message, errors) => keepRefused({ deadLetters, metrics, clock }, message, errors),
    health: () =>
      ingestHealth({
        spool,
        delivery: delivery.status(),
        condition: storage.condition(),
        emitted: storage.storage$.value,
        api: options.influx.target.api,
      }),
    delivered: (timeoutMs = 60_000) => waitDelivered(spool, timeoutMs, scheduler, isClosing),
    async close() {
      if (closing) return;
      closing = true;
      storage.stopTicking();
      await spool.stopAccepting();
      await delivery.close(settings.delivery.drainMs);
      await deadLetters.close();
      await spool.close();
      readings$.complete();
      rejections$.complete();
      storage.close();
    },
  };
}

/** The spool, its metrics and the dead-letter store, opened in turn; the spool is closed again if the store cannot open. */
async function openStores(
  options: IngestOptions,
  settings: IngestSettings,
  clock: Clock,
  scheduler: SchedulerLike,
  onBackpressure: () => void,
) {
  const { log, dataDir } = options;
  const spool: Spool = await createSpool({
    ...settings.spool,
    dir: join(dataDir, 'spool'),
    log: log.child({ part: 'spool' }),
    clock,
    onCommit: (s) => metrics.commitSeconds(s),
    onBackpressure,
  });
  const metrics = options.registry ? createIngestMetrics(options.registry, () => spool.stats(), clock) : noMetrics;
  try {
    const dir = join(dataDir, 'deadletters');
    const deadLetters = await createDeadLetterStore({
      ...settings.deadLetters,
      dir,
      log: log.child({ part: 'deadletters' }),
      clock,
      scheduler,
    });
    return { spool, metrics, deadLetters };
  } catch (err) {
    await spool.close();
    throw err;
  }
}
