import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { ClusterSettings, DurableLog, Logger, Reading, StorageCondition, StoreLines } from '../core/index.js';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';
import { createLogBacklog } from './log-backlog.js';
import type { UnitOf } from './log-decode.js';
import { createGroupDelivery, type GroupDelivery } from './log-delivery.js';
import { createFanoutReader } from './log-fanout.js';
import { createLogMetrics, logKey } from './log-metrics.js';
import { createLogTrimmer, waitGroupDelivered } from './log-trimmer.js';
import { createLogWriter } from './log-writer.js';
import { createRedisConnection } from './redis-connection.js';

export interface ReplicatedLogOptions {
  settings: ClusterSettings;
  log: Logger;
  /** The unit of a station's parameter: `(s, p) => catalogue.stationParameter(s, p)?.unit`. */
  unitOf: UnitOf;
  /** The centre's registry: quantrac_cluster_log_* go there. */
  registry?: Registry;
  scheduler?: SchedulerLike;
  /** The storage condition's backlog age, ms (INGEST_BACKLOG_ALERT_S; ingestSettings(config).backlogAlertMs). */
  backlogAlertMs: number;
  /** Trimmer and delivery tuning (tests). */
  trimEveryMs?: number;
  retainMs?: number;
}

export interface ReplicatedLog {
  /** For ingest's `durableLog` option: the admit path's replacement for the spool (with `delivered`). */
  readonly writer: DurableLog;
  /** For ingest's `readingsFrom` option: every node's readings, from this node's start on. */
  readonly readings$: Observable<Reading>;
  /** For ingest's `storageFrom` option: `backlog` while delivery to InfluxDB lags (log-backlog.ts). */
  readonly storage$: Observable<StorageCondition>;
  /** Resolves once the fan-out reader knows its start position. */
  readonly started: Promise<void>;
  /** Starts delivery to InfluxDB through ingest's writer (`ingest.storeLines`); once. */
  startDelivery(store: StoreLines): void;
  /** Stops delivery, the trimmer and the reader, writes what is queued, closes the connections. */
  close(): Promise<void>;
}

/**
 * The replicated log of cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): the writer on a
 * connection of its own (WAIT counts that connection's writes), the fan-out reader and the
 * group delivery each on a blocking connection of their own, and the trimmer on a shared one.
 */
export function createReplicatedLog(options: ReplicatedLogOptions): ReplicatedLog {
  const { settings, log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const metrics = createLogMetrics(options.registry);
  const part = log.child({ part: 'cluster-log' });
  const writerRedis = createRedisConnection(settings, 'log-writer', { log, clock: scheduler });
  const writer = createLogWriter({ redis: writerRedis, settings, log: part, metrics, scheduler });
  const fanout = createFanoutReader({
    redis: createRedisConnection(settings, 'log-fanout', { log, blocking: true, clock: scheduler }),
    settings,
    unitOf: options.unitOf,
    log: part,
    metrics,
    scheduler,
  });
  const trimmer = createLogTrimmer({
    redis: writerRedis,
    settings,
    log: part,
    metrics,
    scheduler,
    ...(options.trimEveryMs === undefined ? {} : { everyMs: options.trimEveryMs }),
    ...(options.retainMs === undefined ? {} : { retainMs: options.retainMs }),
  });
  const backlog = createLogBacklog({
    redis: writerRedis,
    key: logKey(settings.keyPrefix),
    backlogAlertMs: options.backlogAlertMs,
    scheduler,
  });
  let delivery: GroupDelivery | undefined;
  const durable: DurableLog = {
    append: (text, lines) => writer.append(text, lines),
    health: () => writer.health(),
    delivered: (timeoutMs) => waitGroupDelivered(writerRedis, logKey(settings.keyPrefix), timeoutMs, scheduler),
  };
  return {
    writer: durable,
    readings$: fanout.readings$,
    storage$: backlog.storage$,
    started: fanout.started,
    startDelivery(store) {
      if (delivery) throw new Error('log delivery already started');
      delivery = createGroupDelivery({
        redis: createRedisConnection(settings, 'log-delivery', { log, blocking: true, clock: scheduler }),
        settings,
        store,
        log: part,
        metrics,
        scheduler,
      });
    },
    async close() {
      trimmer.close();
      backlog.close();
      await writer.close();
      await delivery?.close();
      await fanout.close();
      await writerRedis.quit().catch(() => writerRedis.disconnect());
    },
  };
}
