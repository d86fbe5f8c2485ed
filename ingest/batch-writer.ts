import type { Logger } from '../core/index.js';
import { retryUntilDone, wait, type RetryPolicy, type SchedulerLike } from '../platform/index.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { WriteHealth } from './delivery-health.js';
import { Stopped, throwIfStopped } from './delivery-stop.js';
import { InfluxWriteError, type InfluxClient } from './influx-client.js';
import type { IngestMetrics } from './ingest-metrics.js';

export interface BatchWriterParts {
  influx: InfluxClient;
  deadLetters: Pick<DeadLetterStore, 'appendLine'>;
  log: Logger;
  metrics: IngestMetrics;
  health: WriteHealth;
  /** The one delay policy of every retry here (full jitter, capped at INGEST_RETRY_MAX_MS). */
  policy: RetryPolicy;
  scheduler: SchedulerLike;
  /** close() aborts it: waits end at once, requests are cancelled, the next step throws Stopped. */
  signal: AbortSignal;
}

type Refused = Array<{ line: Buffer; error: InfluxWriteError }>;

/**
 * The writer with split-on-refusal (docs/ARCHITECTURE.md, "Durability point"). Network errors,
 * 5xx and 429 are retried by the policy (a Retry-After wins) for as long as it takes. A batch
 * InfluxDB refuses (400, 413, 422) is split in halves until the refused lines stand alone; they
 * go to the dead-letter store (fsynced before `send` resolves, so before the checkpoint passes
 * them) and the rest is delivered: one bad line never costs a batch. 401/403/404, and a batch of
 * several lines every one of which is refused, blame no line: the batch is kept and retried.
 */
export class BatchWriter {
  constructor(private readonly p: BatchWriterParts) {}

  /**
   * Sends `buf` (whole lines); resolves when every line is stored or dead-lettered. When the
   * split finds every line of a batch of several refused, no line is to blame: a proxy, a
   * gateway or a setting answers 400 to everything. Dead-lettering them all would empty the
   * spool into a file, so the batch is kept and retried like a 401/403/404, and logged.
   */
  async send(buf: Buffer): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const refused = await this.write(buf);
      if (refused.length === 0) return;
      const lines = countLines(buf);
      if (lines > 1 && refused.length === lines) {
        const first = refused[0]!.error;
        const message = `InfluxDB refused every one of the ${lines} lines of a batch (${first.message}): not blaming the data`;
        await this.backOff(new InfluxWriteError(message, 'config', first.statusCode, first.body), attempt);
        throwIfStopped(this.p.signal);
        continue;
      }
      for (const r of refused) await this.deadLetter(r.line, r.error);
      return;
    }
  }

  /** Writes `buf`, retrying what can be retried; returns the lines refused on their own, not yet dead-lettered. */
  private async write(buf: Buffer): Promise<Refused> {
    const { influx, metrics, signal } = this.p;
    for (let attempt = 0; ; attempt++) {
      throwIfStopped(signal);
      const t0 = performance.now();
      // A signal per request: the transport adds an abort listener to it and never removes it.
      const request = new AbortController();
      const onAbort = (): void => request.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await influx.write(buf, { signal: request.signal });
        metrics.influxWrite((performance.now() - t0) / 1000, 0, true);
        this.p.health.succeeded();
        return [];
      } catch (err) {
        metrics.influxWrite((performance.now() - t0) / 1000, 0, false);
        throwIfStopped(signal);
        const e = err instanceof InfluxWriteError ? err : new InfluxWriteError((err as Error).message, 'network');
        if (e.kind === 'rejected') {
          metrics.influxError(e.kind);
          return await this.split(buf, e);
        }
        await this.backOff(e, attempt, e.retryAfterMs);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  /** A refused batch in halves, at a line boundary; a single line is returned as refused. */
  private async split(buf: Buffer, e: InfluxWriteError): Promise<Refused> {
    const mid = buf.length >> 1;
    let cut = buf.indexOf(0x0a, mid);
    if (cut < 0 || cut + 1 >= buf.length) cut = buf.lastIndexOf(0x0a, mid - 1);
    if (cut < 0 || cut + 1 >= buf.length) return [{ line: buf, error: e }];
    return [...(await this.write(buf.subarray(0, cut + 1))), ...(await this.write(buf.subarray(cut + 1)))];
  }

  /** Records the failure and waits as the policy says (a missing 1.x database is created first). */
  private async backOff(e: InfluxWriteError, attempt: number, retryAfterMs?: number): Promise<void> {
    const { influx, policy, scheduler, signal } = this.p;
    const waitMs = policy.delayMs(attempt, retryAfterMs);
    this.p.health.failed(e, attempt, waitMs);
    if (e.kind === 'config' && e.statusCode === 404 && influx.target.api === 'v1') {
      await influx.ensureDatabase().catch(() => undefined); // dropped by an operator, or never created
    }
    await wait(waitMs, scheduler, signal);
  }

  /** Moves a refused line to the dead-letter store; resolves once it is fsynced there. */
  private async deadLetter(buf: Buffer, e: InfluxWriteError): Promise<void> {
    const { log, signal } = this.p;
    const line = buf.toString('utf8').replace(/\n$/, '');
    log.error(
      { line: line.slice(0, 500), statusCode: e.statusCode, err: e.body ?? e.message },
      'InfluxDB refused a line: moved to the dead-letter store',
    );
    const error = { path: '', code: 'influx_rejected', message: `InfluxDB answered ${e.statusCode ?? '?'}: ${e.body ?? e.message}` };
    const append = (): Promise<void> => {
      throwIfStopped(signal);
      return this.p.deadLetters.appendLine(line, error);
    };
    await retryUntilDone(append, {
      policy: this.p.policy,
      scheduler: this.p.scheduler,
      signal,
      onError: (err) => {
        if (err instanceof Stopped) throw err;
        log.error({ err }, 'could not write a dead letter; retrying (the line stays in the spool)');
      },
    });
    this.p.metrics.deadLetter('line');
  }
}

/** Lines in a batch (each ends in a newline; a damaged last one may not). */
function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 0x0a ? n + 1 : n;
}
