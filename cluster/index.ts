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

// --- the broker's shared router and session store ---
export { createClusterBrokerParts, type ClusterBrokerPartsOptions } from './broker-parts.js';
// --- alert rules ownership by lease ---
export { createAlertsCluster, type AlertsCluster, type AlertsClusterOptions } from './alert-port.js';
// --- dashboard sessions and station presence shared ---
export { createRedisSessionStore, type RedisSessionStoreOptions } from './session-store.js';
export { createSharedPresence, type SharedPresence, type SharedPresenceOptions } from './presence-shared.js';
