import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InfluxWriteErrorKind } from './influx-client.js';
import type { SpoolStats } from './spool.js';

/** What ingest records; every metric is named `quantrac_...` (README, "Operations"). */
export interface IngestMetrics {
  message(outcome: 'accepted' | 'partial' | 'rejected'): void;
  accepted(n: number): void;
  rejected(code: string): void;
  admitSeconds(s: number): void;
  commitSeconds(s: number): void;
  seq(station: string, outcome: 'gap' | 'duplicate' | 'late' | 'reset', missing: number): void;
  deadLetter(kind: 'message' | 'line'): void;
  influxWrite(seconds: number, lines: number, ok: boolean): void;
  influxError(kind: InfluxWriteErrorKind): void;
  delivered(lines: number, latenciesS: number[]): void;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LATENCY = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600];

/**
 * Registers ingest's metrics on the shared registry. Spool figures are read at scrape time
 * (`collect`) from `spoolStats`, so the hot path only bumps counters.
 */
export function createIngestMetrics(registry: Registry, spoolStats: () => SpoolStats): IngestMetrics {
  const registers = [registry];
  const messages = new Counter({
    name: 'quantrac_ingest_messages_total',
    help: 'Readings messages received, by outcome (accepted: all readings; partial: some rejected; rejected: none stored)',
    labelNames: ['outcome'],
    registers,
  });
  const accepted = new Counter({ name: 'quantrac_ingest_readings_accepted_total', help: 'Readings accepted and made durable', registers });
  const rejected = new Counter({
    name: 'quantrac_ingest_readings_rejected_total',
    help: 'Rejections by stable code (a whole-message rejection counts once)',
    labelNames: ['code'],
    registers,
  });
  const admit = new Histogram({
    name: 'quantrac_ingest_admit_seconds',
    help: 'From receiving a message to its PUBACK being allowed (validation, fsync, backpressure)',
    buckets: SECONDS,
    registers,
  });
  const seqCounters = {
    gap: new Counter({
      name: 'quantrac_ingest_seq_gaps_total',
      help: 'Seq numbers a station skipped (messages never received, unless they arrive late)',
      labelNames: ['station'],
      registers,
    }),
    duplicate: new Counter({
      name: 'quantrac_ingest_seq_duplicates_total',
      help: 'Messages whose seq was already received from the station (resends; stored once)',
      labelNames: ['station'],
      registers,
    }),
    late: new Counter({
      name: 'quantrac_ingest_seq_late_total',
      help: 'Messages arriving after a higher seq, filling an earlier gap',
      labelNames: ['station'],
      registers,
    }),
    reset: new Counter({
      name: 'quantrac_ingest_seq_resets_total',
      help: 'Times a station restarted its seq count',
      labelNames: ['station'],
      registers,
    }),
  };
  const deadLetters = new Counter({
    name: 'quantrac_dead_letters_total',
    help: 'Records written to the dead-letter store (message: a gateway message with rejections; line: a line InfluxDB refused)',
    labelNames: ['kind'],
    registers,
  });
  const writes = new Histogram({
    name: 'quantrac_influx_write_seconds',
    help: 'InfluxDB write requests, by result',
    labelNames: ['result'],
    buckets: SECONDS,
    registers,
  });
  const influxErrors = new Counter({
    name: 'quantrac_influx_write_errors_total',
    help: 'Failed InfluxDB writes by kind (network, server, throttled, rejected, config)',
    labelNames: ['kind'],
    registers,
  });
  const deliveredPoints = new Counter({
    name: 'quantrac_delivery_points_total',
    help: 'Points delivered to InfluxDB (2xx) or dead-lettered after InfluxDB refused them',
    registers,
  });
  const latency = new Histogram({
    name: 'quantrac_delivery_latency_seconds',
    help: 'From the spool fsync to InfluxDB 2xx, per commit group',
    buckets: LATENCY,
    registers,
  });
  for (const kind of ['network', 'server', 'throttled', 'rejected', 'config']) influxErrors.labels(kind);
  for (const outcome of ['accepted', 'partial', 'rejected']) messages.labels(outcome);

  new Gauge({
    name: 'quantrac_spool_backlog_bytes',
    help: 'Bytes appended to the spool and not yet delivered',
    registers,
    collect() {
      this.set(spoolStats().backlogBytes);
    },
  });
  new Gauge({
    name: 'quantrac_spool_backlog_points',
    help: 'Points in the spool not yet delivered',
    registers,
    collect() {
      this.set(spoolStats().backlogPoints);
    },
  });
  new Gauge({
    name: 'quantrac_spool_disk_bytes',
    help: 'Bytes of spool segment files on disk',
    registers,
    collect() {
      this.set(spoolStats().diskBytes);
    },
  });
  new Gauge({
    name: 'quantrac_spool_segments',
    help: 'Spool segment files',
    registers,
    collect() {
      this.set(spoolStats().segments);
    },
  });
  new Gauge({
    name: 'quantrac_spool_oldest_undelivered_seconds',
    help: 'Age of the oldest undelivered spool data (0 when all is delivered)',
    registers,
    collect() {
      const at = spoolStats().oldestUndeliveredAt;
      this.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
    },
  });
  new Gauge({
    name: 'quantrac_backpressure_level',
    help: 'Admission backpressure: 0 none, 1 slowing (past the high-water mark), 2 paused (at the disk budget)',
    registers,
    collect() {
      this.set({ none: 0, slowing: 1, paused: 2 }[spoolStats().backpressure]);
    },
  });
  const commitHist = new Histogram({
    name: 'quantrac_spool_commit_seconds',
    help: 'One group commit: write() and fdatasync()',
    buckets: SECONDS,
    registers,
  });
  const commits = new Counter({
    name: 'quantrac_spool_commits_total',
    help: 'Group commits (one write() and one fdatasync() each)',
    registers,
  });
  let slowingSeen = 0;
  let pausedSeen = 0;
  new Counter({
    name: 'quantrac_backpressure_seconds_total',
    help: 'Time spent with admission slowed or paused',
    labelNames: ['level'],
    registers,
    collect() {
      const s = spoolStats();
      this.labels('slowing').inc(Math.max(0, s.slowingMs - slowingSeen) / 1000);
      this.labels('paused').inc(Math.max(0, s.pausedMs - pausedSeen) / 1000);
      slowingSeen = Math.max(slowingSeen, s.slowingMs);
      pausedSeen = Math.max(pausedSeen, s.pausedMs);
    },
  });

  // Children bound once: labels() hashes its arguments on every call, and these run per message.
  const messageChildren = {
    accepted: messages.labels('accepted'),
    partial: messages.labels('partial'),
    rejected: messages.labels('rejected'),
  };
  return {
    message: (outcome) => messageChildren[outcome].inc(),
    accepted: (n) => accepted.inc(n),
    rejected: (code) => rejected.labels(code).inc(),
    admitSeconds: (s) => admit.observe(s),
    commitSeconds: (s) => {
      commits.inc();
      commitHist.observe(s);
    },
    seq: (station, kind, missing) => seqCounters[kind].labels(station).inc(kind === 'gap' ? missing : 1),
    deadLetter: (kind) => deadLetters.labels(kind).inc(),
    influxWrite: (seconds, _lines, ok) => writes.labels(ok ? 'ok' : 'error').observe(seconds),
    influxError: (kind) => influxErrors.labels(kind).inc(),
    delivered: (lines, latencies) => {
      deliveredPoints.inc(lines);
      for (const l of latencies) latency.observe(l);
    },
  };
}

/** Metrics that do nothing: for parts built without a registry (unit tests). */
export const noMetrics: IngestMetrics = {
  message: () => undefined,
  accepted: () => undefined,
  rejected: () => undefined,
  admitSeconds: () => undefined,
  commitSeconds: () => undefined,
  seq: () => undefined,
  deadLetter: () => undefined,
  influxWrite: () => undefined,
  influxError: () => undefined,
  delivered: () => undefined,
};
