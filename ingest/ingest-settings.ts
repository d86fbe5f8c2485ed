import type { Config } from '../core/index.js';
import type { IngestSettings } from './ingest.js';

/** Ingest's settings from the configuration (docs/CONFIGURATION.md, "Storage and ingest"). */
export function ingestSettings(config: Config): IngestSettings {
  return {
    spool: {
      budgetBytes: config.SPOOL_BUDGET_BYTES,
      highWaterBytes: Math.floor((config.SPOOL_BUDGET_BYTES * config.SPOOL_HIGH_WATER_PERCENT) / 100),
      segmentBytes: config.SPOOL_SEGMENT_BYTES,
      maxSlowdownMs: config.SPOOL_MAX_SLOWDOWN_MS,
    },
    delivery: {
      batchLines: config.INGEST_BATCH_LINES,
      batchBytes: config.INGEST_BATCH_BYTES,
      flushMs: config.INGEST_FLUSH_MS,
      concurrency: config.INGEST_CONCURRENCY,
      retryMaxMs: config.INGEST_RETRY_MAX_MS,
      drainMs: 3000,
    },
    deadLetters: { maxAgeDays: config.DEADLETTER_MAX_AGE_DAYS, maxBytes: config.DEADLETTER_MAX_BYTES },
    backlogAlertMs: config.INGEST_BACKLOG_ALERT_S * 1000,
    // The upstream relay forwards each message's seq (docs/PROTOCOL.md): kept in the spool only then.
    recordSeq: config.UPSTREAM_URL !== undefined,
  };
}
