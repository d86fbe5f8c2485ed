export { createIngest, type Ingest, type IngestOptions, type AdmitMessage, type AdmitResult, type RejectionEvent } from './ingest.js';
export { createInfluxClient, InfluxWriteError, type InfluxClient, type InfluxSeries } from './influx-client.js';
export { createDirectSink, type LineSink } from './direct-sink.js';
export { startLocalInfluxd, ensureInfluxd, findInfluxd, type LocalInfluxd } from './local-influxd.js';
export { encodeReading, escapeTag } from './line-protocol.js';
export { validateMessage, MAX_PAYLOAD_BYTES, MAX_READINGS, type ValidationWindow, type ValidationResult } from './validate.js';
