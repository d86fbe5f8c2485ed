import { Counter, Histogram, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../platform/index.js';
import type { InfluxWriteErrorKind } from './influx-client.js';
import { LATENCY, SECONDS } from './metric-buckets.js';
import { registerSpoolMetrics } from './spool-metrics.js';
import type { SpoolStats } from './spool.js';

/** What ingest records; every metric is named `quantrac_...` (docs/OPERATIONS.md, "Metrics"). */
export interface IngestMetrics {
  message(outcome: 'accepted' | 'partial' | 'rejected'): void;
  accepted(n: number): void;
  rejected(code: string): void;
  /** A fault in handling a message, met at `stage` (see AdmitFaultStage); it became an `internal` rejection or was only logged. */
  internalError(stage: string): void;
  admitSeconds(s: number): void;
  commitSeconds(s: number): void;
  seq(station: string, outcome: 'gap' | 'duplicate' | 'late' | 'reset', missing: number): void;
  deadLetter(kind: 'message' | 'line'): void;
  influxWrite(seconds: number, lines: number, ok: boolean): void;
  influxError(kind: InfluxWriteErrorKind): void;
  delivered(lines: number, latenciesS: number[]): void;
}

type Registers = Registry[];

/** Where in the admit path a fault can be met (the `stage` label of quantrac_ingest_internal_errors_total). */
export const ADMIT_FAULT_STAGES = ['validate', 'reading', 'seq', 'encode', 'refuse', 'publish'] as const;
export type AdmitFaultStage = (typeof ADMIT_FAULT_STAGES)[number];

/**
 * Registers ingest's metrics on the shared registry. Spool figures are read at scrape time
 * (`collect`) from `spoolStats`, so the hot path only bumps counters; `clock` dates the oldest
 * undelivered data's age.
 */
export function createIngestMetrics(registry: Registry, spoolStats: () => SpoolStats, clock: Clock = systemClock): IngestMetrics {
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
  const seqCounters = stationSeqCounters(registers);
  const spool = registerSpoolMetrics(registry, spoolStats, clock);
  const deadLetters = new Counter({
    name: 'quantrac_dead_letters_total',
    help: 'Records written to the dead-letter store (message: a gateway message with rejections; line: a line InfluxDB refused)',
    labelNames: ['kind'],
    registers,
  });
  const internalErrors = new Counter({
    name: 'quantrac_ingest_internal_errors_total',
    help: 'Faults of the centre while handling a message, by stage; the message was still acknowledged and its content dead-lettered (code internal)',
    labelNames: ['stage'],
    registers,
  });
  for (const outcome of ['accepted', 'partial', 'rejected']) messages.labels(outcome);
  // inc(0): each stage is on /metrics at 0 from the start (labels() alone creates no series).
  for (const stage of ADMIT_FAULT_STAGES) internalErrors.labels(stage).inc(0);

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
    internalError: (stage) => internalErrors.labels(stage).inc(),
    admitSeconds: (s) => admit.observe(s),
    commitSeconds: spool.commitSeconds,
    seq: (station, kind, missing) => seqCounters[kind].labels(station).inc(kind === 'gap' ? missing : 1),
    deadLetter: (kind) => deadLetters.labels(kind).inc(),
    ...deliveryMetrics(registers),
  };
}

/** Gaps, duplicates, late arrivals and restarts of a station's seq (docs/PROTOCOL.md). */
function stationSeqCounters(registers: Registers): Record<'gap' | 'duplicate' | 'late' | 'reset', Counter<'station'>> {
  return {
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
}

/** InfluxDB writes and what was delivered. */
function deliveryMetrics(registers: Registers): Pick<IngestMetrics, 'influxWrite' | 'influxError' | 'delivered'> {
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
  return {
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
  internalError: () => undefined,
  admitSeconds: () => undefined,
  commitSeconds: () => undefined,
  seq: () => undefined,
  deadLetter: () => undefined,
  influxWrite: () => undefined,
  influxError: () => undefined,
  delivered: () => undefined,
};
