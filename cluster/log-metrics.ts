import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The replicated log's keys (docs/ARCHITECTURE.md, "Cluster mode"): the stream and its InfluxDB consumer group. */
export const logKey = (keyPrefix: string): string => `${keyPrefix}log`;
export const INFLUX_GROUP = 'influx';

/** What the replicated log's parts record: `quantrac_cluster_log_*` (docs/OPERATIONS.md, "Metrics"). */
export interface LogMetrics {
  /** One group commit: its messages, readings, outcome, and seconds from the XADD to WAIT's answer. */
  append(messages: number, readings: number, outcome: 'ok' | 'not_replicated' | 'error', seconds: number): void;
  replicas(n: number): void;
  delivered(entries: number, readings: number): void;
  claimed(entries: number): void;
  deliveryError(): void;
  fanout(readings: number, skipped: number): void;
  trimmed(entries: number): void;
}

const SECONDS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const noLogMetrics: LogMetrics = {
  append: () => undefined,
  replicas: () => undefined,
  delivered: () => undefined,
  claimed: () => undefined,
  deliveryError: () => undefined,
  fanout: () => undefined,
  trimmed: () => undefined,
};

/** Registers the log's metrics once on the centre's registry; every part of the log shares the object. */
export function createLogMetrics(registry: Registry | undefined): LogMetrics {
  if (!registry) return noLogMetrics;
  const registers = [registry];
  const messages = new Counter({
    name: 'quantrac_cluster_log_messages_total',
    help: 'Messages appended to the replicated log, by outcome (not_replicated and error: refused, no PUBACK)',
    labelNames: ['outcome'],
    registers,
  });
  const readings = new Counter({ name: 'quantrac_cluster_log_readings_total', help: 'Readings held by enough replicas', registers });
  const seconds = new Histogram({
    name: 'quantrac_cluster_log_append_seconds',
    help: 'One group commit: XADD and WAIT until enough replicas hold it',
    buckets: SECONDS,
    registers,
  });
  const replicas = new Gauge({
    name: 'quantrac_cluster_log_replicas',
    help: 'Replicas the Redis primary reported at the last look',
    registers,
  });
  const delivered = new Counter({
    name: 'quantrac_cluster_log_delivered_entries_total',
    help: 'Log entries this node delivered to InfluxDB and acknowledged',
    registers,
  });
  const deliveredReadings = new Counter({
    name: 'quantrac_cluster_log_delivered_readings_total',
    help: 'Readings in the log entries this node delivered to InfluxDB',
    registers,
  });
  const claimed = new Counter({
    name: 'quantrac_cluster_log_claimed_entries_total',
    help: 'Log entries this node took over from a consumer that held them past CLUSTER_LEASE_MS',
    registers,
  });
  const deliveryErrors = new Counter({
    name: 'quantrac_cluster_log_delivery_errors_total',
    help: 'Group delivery steps that failed',
    registers,
  });
  const fanout = new Counter({
    name: 'quantrac_cluster_log_fanout_readings_total',
    help: 'Readings the fan-out reader emitted live',
    registers,
  });
  const skipped = new Counter({
    name: 'quantrac_cluster_log_fanout_skipped_total',
    help: 'Log lines the fan-out reader could not decode',
    registers,
  });
  const trimmed = new Counter({
    name: 'quantrac_cluster_log_trimmed_entries_total',
    help: 'Log entries removed by the trimmer',
    registers,
  });
  return {
    append(n, r, outcome, s) {
      messages.inc({ outcome }, n);
      if (outcome === 'ok') readings.inc(r);
      seconds.observe(s);
    },
    replicas: (n) => replicas.set(n),
    delivered(entries, r) {
      delivered.inc(entries);
      deliveredReadings.inc(r);
    },
    claimed: (n) => claimed.inc(n),
    deliveryError: () => deliveryErrors.inc(),
    fanout(r, s) {
      if (r > 0) fanout.inc(r);
      if (s > 0) skipped.inc(s);
    },
    trimmed: (n) => trimmed.inc(n),
  };
}
