// Cluster mode's door (docs/ARCHITECTURE.md, "Cluster mode"): factories main.ts wires into
// ingest, broker, alerts and dashboard through ports; nothing here runs without REDIS_* set.

// --- the Redis connection and the replicated log (brief K1) ---
export { createRedisConnection, redisConnectionOptions, type Redis, type RedisConnectionOptions } from './redis-connection.js';
export { createReplicatedLog, type ReplicatedLog, type ReplicatedLogOptions } from './log-replicated.js';
export { createLogWriter, type LogWriter, type LogWriterOptions } from './log-writer.js';
export { createGroupDelivery, type GroupDelivery, type GroupDeliveryOptions } from './log-delivery.js';
export { createFanoutReader, type FanoutReader, type FanoutReaderOptions } from './log-fanout.js';
export { createLogTrimmer, type LogTrimmer, type LogTrimmerOptions } from './log-trimmer.js';
export { createLogBacklog, type LogBacklog, type LogBacklogOptions } from './log-backlog.js';
export { decodeReadings, type UnitOf } from './log-decode.js';
export { createLogMetrics, logKey, INFLUX_GROUP, type LogMetrics } from './log-metrics.js';
// --- end of the replicated log ---
