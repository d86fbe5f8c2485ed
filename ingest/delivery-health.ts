import type { Logger } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { InfluxWriteError, InfluxWriteErrorKind } from './influx-client.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Spool } from './spool.js';

export interface DeliveryStatus {
  lastSuccessAt?: number;
  /** Set while writes fail: when the current run of failures began. */
  failingSince?: number;
  consecutiveFailures: number;
  lastError?: { kind: InfluxWriteErrorKind; message: string; statusCode?: number; at: number };
}

/**
 * How InfluxDB writes are going, for /healthz and the delivery loop (one batch probes while
 * writes fail). Logs a failure at once for the first tries, then one line every 30 s: an outage
 * must not flood the log.
 */
export class WriteHealth {
  private readonly status: DeliveryStatus = { consecutiveFailures: 0 };
  private lastLogAt = 0;

  constructor(private readonly d: { clock: Clock; log: Logger; metrics: IngestMetrics; spool: Pick<Spool, 'stats'> }) {}

  get failing(): boolean {
    return this.status.failingSince !== undefined;
  }

  succeeded(): void {
    const { status, d } = this;
    if (status.failingSince !== undefined) {
      d.log.info({ failedForMs: d.clock.now() - status.failingSince, attempts: status.consecutiveFailures }, 'InfluxDB writes recovered');
    }
    status.lastSuccessAt = d.clock.now();
    status.failingSince = undefined;
    status.consecutiveFailures = 0;
  }

  failed(e: InfluxWriteError, attempt: number, waitMs: number): void {
    const { status, d } = this;
    const now = d.clock.now();
    status.failingSince ??= now;
    status.consecutiveFailures++;
    status.lastError = { kind: e.kind, message: e.message, ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }), at: now };
    d.metrics.influxError(e.kind);
    if (attempt >= 3 && now - this.lastLogAt < 30_000) return;
    this.lastLogAt = now;
    const st = d.spool.stats();
    const fields = {
      err: e.message,
      kind: e.kind,
      statusCode: e.statusCode,
      attempt,
      waitMs,
      backlogBytes: st.backlogBytes,
      backlogPoints: st.backlogPoints,
    };
    if (e.kind === 'config') {
      d.log.error(
        fields,
        'InfluxDB refuses our writes (credentials, database, bucket, or a proxy in between?): keeping the data and retrying',
      );
    } else d.log.warn(fields, 'InfluxDB write failed; retrying');
  }

  snapshot(): DeliveryStatus {
    const status = this.status;
    return { ...status, ...(status.lastError ? { lastError: { ...status.lastError } } : {}) };
  }
}
