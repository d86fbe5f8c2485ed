// The platform layer: mechanisms with no business meaning that every feature folder may import
// (docs/ARCHITECTURE.md, "Layers"). It imports only core/ and its dependencies.
export * from './http/client-address.js';
export * from './http/http-error.js';
export * from './http/read-json.js';
export * from './http/request.js';
export * from './http/responses.js';
export * from './log/rate-limited-log.js';
export * from './retry/retry-policy.js';
export * from './secrets/failure-backoff.js';
export * from './secrets/failure-throttle.js';
export * from './secrets/scrypt-hash.js';
export * from './secrets/task-limiter.js';
export * from './time/clock.js';
export * from './time/local-time.js';
export * from './time/wait.js';
export * from './time/unref-scheduler.js';
export * from './http/query-params.js';
export * from './influx/line-protocol.js';
export * from './influx/line-parse.js';
