import { join } from 'node:path';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { QuantracError, type DurableLog, type Reading, type StorageCondition } from '../core/index.js';
import { createRateLimitedLog, createRetryPolicy, systemScheduler } from '../platform/index.js';
import { BatchWriter } from './batch-writer.js';
import { keepRefused } from './dead-letter-refused.js';
import { createDeadLetterStore } from './dead-letters.js';
import { WriteHealth } from './delivery-health.js';
import { createAdmit, type RejectionEvent } from './ingest-admit.js';
import { createIngestMetrics, noMetrics } from './ingest-metrics.js';
import { clusterHealth } from './ingest-status.js';
import type { Ingest, IngestOptions, IngestSettings } from './ingest-types.js';
import { createReadingEncoder } from './line-protocol.js';
import { createSeqTracker } from './seq-tracker.js';
import type { SpoolStats } from './spool.js';

/** Cluster mode has no spool: its figures read as empty (the log's own are quantrac_cluster_log_*). */
export const NO_SPOOL: SpoolStats = {
  backlogBytes: 0,
  backlogPoints: 0,
  heldBytes: 0,
  cursors: [],
  diskBytes: 0,
  segments: 0,
  commits: 0,
  appendedPoints: 0,
  backpressure: 'none',
  slowingMs: 0,
  pausedMs: 0,
};

const NO_BACKLOG: StorageCondition = { backlog: false, spoolBytes: 0, budgetBytes: 0, backpressure: 'none' };

const unsupported = (what: string): Promise<never> =>
  Promise.reject(new QuantracError('ERR_CLUSTER_MODE', `${what} is not available in cluster mode (there is no local spool)`));

/**
 * Ingest in cluster mode (docs/ARCHITECTURE.md, "Cluster mode", "The replicated log"): the
 * same admit path up to the encoded text of a message's accepted readings, which goes to the
 * replicated log (`durableLog`) instead of the spool; admit resolves once enough Redis replicas
 * hold it and rejects (retryable, no PUBACK) otherwise. There is no spool and no delivery loop:
 * the cluster's group delivery stores the log's entries through `storeLines` (this node's
 * InfluxDB writer with split-on-refusal, bad lines to this node's dead-letter store).
 * readings$ is `readingsFrom` (the fan-out reader: every node's readings) when given, and then
 * admit emits nothing itself, so each reading reaches the live path once.
 */
export async function createClusterIngest(options: IngestOptions, settings: IngestSettings, durableLog: DurableLog): Promise<Ingest> {
  const { log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const metrics = options.registry ? createIngestMetrics(options.registry, () => NO_SPOOL, clock) : noMetrics;
  const deadLetters = await createDeadLetterStore({
    ...settings.deadLetters,
    dir: join(options.dataDir, 'deadletters'),
    log: log.child({ part: 'deadletters' }),
    clock,
    scheduler,
  });
  const abort = new AbortController();
  const delivery = log.child({ part: 'delivery' });
  const health = new WriteHealth({ clock, log: delivery, metrics, spool: { stats: () => NO_SPOOL } });
  const writer = new BatchWriter({
    influx: options.influx,
    deadLetters,
    log: delivery,
    metrics,
    health,
    policy: createRetryPolicy({ baseMs: 200, maxMs: settings.delivery.retryMaxMs, jitter: 'full' }),
    scheduler,
    signal: abort.signal,
  });
  const ownReadings$ = new Subject<Reading>();
  const rejections$ = new Subject<RejectionEvent>();
  const storage$ = new BehaviorSubject<StorageCondition>(NO_BACKLOG);
  let closing = false;
  const admit = createAdmit({
    catalogue: options.catalogue,
    window: options.window,
    spool: { appendText: (text, lines) => durableLog.append(text, lines), slowdownMs: () => 0 },
    deadLetters,
    seqTracker: createSeqTracker(),
    encodeReading: createReadingEncoder(),
    metrics,
    readings$: ownReadings$,
    publish: options.readingsFrom === undefined,
    rejections$,
    warn: createRateLimitedLog(log, 60_000, clock),
    clock,
    scheduler,
    closing: () => closing,
    recordSeq: settings.recordSeq === true,
  });
  const readings$: Observable<Reading> = options.readingsFrom ?? ownReadings$.asObservable();
  const watching = options.storageFrom?.subscribe(storage$);

  return {
    readings$,
    rejections$: rejections$.asObservable(),
    storage$: storage$.asObservable(),
    influx: options.influx,
    appendLines: (lines) => (lines.length === 0 ? Promise.resolve() : durableLog.append(`${lines.join('\n')}\n`, 0)),
    admit,
    storeLines: (buf) => writer.send(buf),
    openCursor: () => unsupported('a spool cursor'),
    dropCursor: async () => undefined,
    deadLetter: (message, errors) => keepRefused({ deadLetters, metrics, clock }, message, errors),
    health: () =>
      clusterHealth({
        condition: storage$.value,
        log: durableLog.health(),
        delivery: health.snapshot(),
        api: options.influx.target.api,
        noSpool: NO_SPOOL,
      }),
    delivered: (timeoutMs = 60_000) => durableLog.delivered?.(timeoutMs) ?? unsupported('waiting for delivery without the log'),
    async close() {
      if (closing) return;
      closing = true;
      abort.abort();
      watching?.unsubscribe();
      await deadLetters.close();
      ownReadings$.complete();
      rejections$.complete();
      storage$.complete();
    },
  };
}
