import { join } from 'node:path';
import { Subject } from 'rxjs';
import type { Reading } from '../core/index.js';
import { createRateLimitedLog, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { keepRefused } from './dead-letter-refused.js';
import { createDeadLetterStore } from './dead-letters.js';
import { createDelivery } from './delivery.js';
import { createAdmit, type RejectionEvent } from './ingest-admit.js';
import { createClusterIngest } from './ingest-cluster.js';
import { createIngestMetrics, noMetrics } from './ingest-metrics.js';
import { ingestHealth, waitDelivered } from './ingest-status.js';
import { DEFAULT_INGEST_SETTINGS, type Ingest, type IngestOptions, type IngestSettings } from './ingest-types.js';
import { createReadingEncoder } from './line-protocol.js';
import { createSeqTracker } from './seq-tracker.js';
import { createSpool, type Spool } from './spool.js';
import { StorageMonitor } from './storage-condition.js';

export type { RejectionEvent } from './ingest-admit.js';
export type { IngestHealth, PublicWriteError } from './ingest-status.js';
export { DEFAULT_INGEST_SETTINGS, type Ingest, type IngestOptions, type IngestSettings } from './ingest-types.js';

/**
 * Ingest: decode and validate per docs/PROTOCOL.md, dead-letter what is refused, append what is
 * accepted to the durable spool (group commit), and let the delivery loop take it to InfluxDB.
 * Composed of the admit path (createAdmit), the spool, the delivery loop, the dead-letter store
 * and the storage condition with its tick (StorageMonitor). With `durableLog` (cluster mode)
 * it is ingest-cluster.ts instead.
 */
export async function createIngest(options: IngestOptions): Promise<Ingest> {
  const settings: IngestSettings = { ...DEFAULT_INGEST_SETTINGS, ...options.settings };
  return options.durableLog ? createClusterIngest(options, settings, options.durableLog) : createSpoolIngest(options, settings);
}

/** The single process's ingest, with the spool (unchanged by cluster mode). */
async function createSpoolIngest(options: IngestOptions, settings: IngestSettings): Promise<Ingest> {
  const { log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
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
    publish: options.readingsFrom === undefined,
    rejections$,
    warn: createRateLimitedLog(log, 60_000, clock),
    clock,
    scheduler,
    closing: isClosing,
    recordSeq: settings.recordSeq === true,
  });

  return {
    readings$: options.readingsFrom ?? readings$.asObservable(),
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
