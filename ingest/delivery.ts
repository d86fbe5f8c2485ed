import type { Logger } from '../core/index.js';
import { createRetryPolicy, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { BatchWriter } from './batch-writer.js';
import { CheckpointAdvancer } from './checkpoint-advancer.js';
import type { DeadLetterStore } from './dead-letters.js';
import { WriteHealth, type DeliveryStatus } from './delivery-health.js';
import { DeliveryLoop } from './delivery-loop.js';
import { Stopped } from './delivery-stop.js';
import type { InfluxClient } from './influx-client.js';
import { noMetrics, type IngestMetrics } from './ingest-metrics.js';
import type { Spool } from './spool.js';

export type { DeliveryStatus } from './delivery-health.js';

export interface DeliveryOptions {
  spool: Spool;
  influx: InfluxClient;
  deadLetters: Pick<DeadLetterStore, 'appendLine'>;
  log: Logger;
  /** A batch is sent when it has this many lines or bytes, or its oldest line is this old. */
  batchLines: number;
  batchBytes: number;
  flushMs: number;
  /**
   * Batches in flight at once (default 2). InfluxDB parses one while the next is read and
   * sent; the checkpoint still advances strictly in order, past a batch only once it and
   * every batch before it are stored (a later batch stored first is replayed harmlessly:
   * points are idempotent).
   */
  concurrency?: number;
  retryBaseMs?: number;
  retryMaxMs: number;
  metrics?: IngestMetrics;
  /** Reads the time (status, a batch's age); default: the scheduler's. */
  clock?: Clock;
  /** Every wait (flush, backoff, drain time) runs on it: virtual time in tests. Default systemScheduler. */
  scheduler?: SchedulerLike;
  random?: () => number;
}

export interface Delivery {
  status(): DeliveryStatus;
  /** Delivers what it can within `drainMs`, then stops; tells what is left for the next start. */
  close(drainMs?: number): Promise<{ backlogBytes: number; backlogPoints: number }>;
}

/**
 * The delivery loop (docs/ARCHITECTURE.md, "Durability point"): the batch reader (DeliveryLoop)
 * reads the spool from the checkpoint and posts batches through the writer with
 * split-on-refusal (BatchWriter); the checkpoint advancer (CheckpointAdvancer) moves the
 * checkpoint only after a 2xx for the batch and every batch before it. Every retry asks one
 * policy (exponential backoff, full jitter, capped at `retryMaxMs`) for its delay, in the
 * shape of influxdb-client-js's retry strategy, and waits on the scheduler.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { spool, log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const metrics = options.metrics ?? noMetrics;
  const policy = createRetryPolicy({
    baseMs: options.retryBaseMs ?? 200,
    maxMs: options.retryMaxMs,
    jitter: 'full',
    random: options.random,
  });
  const abort = new AbortController();
  const signal = abort.signal;
  const health = new WriteHealth({ clock, log, metrics, spool });
  const writer = new BatchWriter({
    influx: options.influx,
    deadLetters: options.deadLetters,
    log,
    metrics,
    health,
    policy,
    scheduler,
    signal,
  });
  const advancer = new CheckpointAdvancer({ spool, log, metrics, clock, policy, scheduler, signal });
  const batch = {
    batchLines: options.batchLines,
    batchBytes: options.batchBytes,
    flushMs: options.flushMs,
    concurrency: Math.max(1, options.concurrency ?? 2),
  };
  const loop = new DeliveryLoop({ spool, writer, advancer, health, log, clock, policy, scheduler, signal }, batch);
  const running = loop.run().catch((err: unknown) => {
    if (!(err instanceof Stopped)) log.error({ err }, 'delivery loop stopped');
  });

  return {
    status: () => health.snapshot(),
    async close(drainMs = 3000) {
      loop.drain();
      const timer = scheduler.schedule(() => abort.abort(), drainMs);
      await running;
      // The last checkpoint write, within the same drain time.
      await advancer.settled();
      timer.unsubscribe();
      abort.abort();
      const st = spool.stats();
      if (st.backlogBytes > 0) {
        log.warn(
          { backlogBytes: st.backlogBytes, backlogPoints: st.backlogPoints },
          'stopping with undelivered points in the spool; they are delivered at the next start',
        );
      }
      return { backlogBytes: st.backlogBytes, backlogPoints: st.backlogPoints };
    },
  };
}
