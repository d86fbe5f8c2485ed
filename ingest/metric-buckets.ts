/** Histogram buckets, seconds: short operations (a commit, a request, an admission). */
export const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Delivery latency, seconds: from the spool's fsync to InfluxDB's 2xx, up to an outage's hours. */
export const LATENCY = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600];
