import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The relay's metrics (docs/OPERATIONS.md lists the metrics), registered once on the centre's registry. */
export interface RelayMetrics {
  connected: Gauge;
  backlogBytes: Gauge;
  backlogPoints: Gauge;
  lagSeconds: Gauge;
  forwardedReadings: Counter;
  forwardedAlertEvents: Counter;
  rejections: Counter;
  skippedLines: Counter;
  publishAckSeconds: Histogram;
  connects: Counter<'outcome'>;
}

/** A backlog as the cursor tells it: lag is now minus the oldest line's commit time, 0 when there is none. */
export function lagMs(backlog: { oldestAt?: number }, now: number): number {
  return backlog.oldestAt === undefined ? 0 : Math.max(0, now - backlog.oldestAt);
}

/**
 * Creates the relay's metrics on `registry`. The backlog gauges are read from the cursor at
 * scrape time (`collect`), so they are never stale.
 */
export function createRelayMetrics(registry: Registry, backlog: () => { bytes: number; points: number; lagMs: number }): RelayMetrics {
  const registers = [registry];
  const read = (pick: (b: ReturnType<typeof backlog>) => number) =>
    function (this: Gauge) {
      this.set(pick(backlog()));
    };
  return {
    connected: new Gauge({ name: 'quantrac_relay_connected', help: '1 while connected to the upstream centre', registers }),
    backlogBytes: new Gauge({
      name: 'quantrac_relay_backlog_bytes',
      help: 'Spool bytes not yet acknowledged by the upstream',
      registers,
      collect: read((b) => b.bytes),
    }),
    backlogPoints: new Gauge({
      name: 'quantrac_relay_backlog_points',
      help: 'Spool lines not yet acknowledged by the upstream',
      registers,
      collect: read((b) => b.points),
    }),
    lagSeconds: new Gauge({
      name: 'quantrac_relay_lag_seconds',
      help: 'Age of the oldest line not yet acknowledged by the upstream (0 when none)',
      registers,
      collect: read((b) => b.lagMs / 1000),
    }),
    forwardedReadings: new Counter({
      name: 'quantrac_relay_forwarded_readings_total',
      help: 'Readings acknowledged by the upstream',
      registers,
    }),
    forwardedAlertEvents: new Counter({
      name: 'quantrac_relay_forwarded_alert_events_total',
      help: 'Alert events acknowledged by the upstream',
      registers,
    }),
    rejections: new Counter({
      name: 'quantrac_relay_upstream_rejections_total',
      help: 'Rejection notices received from the upstream on stations/{id}/errors',
      registers,
    }),
    skippedLines: new Counter({
      name: 'quantrac_relay_skipped_lines_total',
      help: 'Spool lines not relayed (unparsable or not relayable)',
      registers,
    }),
    publishAckSeconds: new Histogram({
      name: 'quantrac_relay_publish_ack_seconds',
      help: 'Time from publishing a message upstream to its PUBACK',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    connects: new Counter({
      name: 'quantrac_relay_connects_total',
      help: 'Connection attempts to the upstream by outcome (ok, refused, error)',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
