export {
  createIngest,
  DEFAULT_INGEST_SETTINGS,
  type Ingest,
  type IngestOptions,
  type IngestSettings,
  type IngestHealth,
  type RejectionEvent,
} from './ingest.js';
// The admission shapes are core's (core/ports.ts); exported here too, as before.
export type { Admit, AdmitMessage, AdmitResult } from '../core/index.js';
export { ingestSettings } from './ingest-settings.js';
export {
  createInfluxClient,
  InfluxWriteError,
  isLoopback,
  type InfluxClient,
  type InfluxSeries,
  type InfluxWriteErrorKind,
} from './influx-client.js';
export { createSpool, type Spool, type SpoolOptions, type SpoolStats, type LineSink, type CursorStats } from './spool.js';
export { CURSOR_NAME, DELIVERY_CONSUMER } from './spool-cursor-files.js';
export { createDelivery, type Delivery, type DeliveryOptions, type DeliveryStatus } from './delivery.js';
export { createDeadLetterStore, DeadLetterSchema, type DeadLetter, type DeadLetterStore } from './dead-letters.js';
export { listDeadLetters, parseSince, type DeadLetterQuery } from './list-dead-letters.js';
export { createSeqTracker, type SeqTracker, type SeqOutcome } from './seq-tracker.js';
export { createMetricsRegistry } from './metrics-registry.js';
export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { createOpsRoutes, type OpsRoutesOptions } from './ops-routes.js';
export { startLocalInfluxd, ensureInfluxd, findInfluxd, type LocalInfluxd } from './local-influxd.js';
export { createReadingEncoder, encodeReading, escapeTag } from './line-protocol.js';
export { validateMessage, MAX_PAYLOAD_BYTES, MAX_READINGS, type ValidationWindow, type ValidationResult } from './validate.js';
export { runDeadLettersCommand, DEADLETTERS_USAGE } from './dead-letters-command.js';
