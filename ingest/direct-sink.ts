import type { Logger } from '../core/index.js';
import { backoffMs } from './backoff.js';
import type { InfluxClient } from './influx-client.js';

export interface LineSink {
  /** Resolves once the lines are safe (here: stored in InfluxDB). */
  append(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  lines: string[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Batches lines and writes them straight to InfluxDB, resolving each append only after
 * InfluxDB answered 2xx; retries retryable failures with backoff for as long as it takes.
 */
export function createDirectSink(influx: InfluxClient, options: { batchLines: number; flushMs: number; log: Logger }): LineSink {
  let queue: Pending[] = [];
  let queuedLines = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queuedLines = 0;
    inFlight = inFlight.then(() => deliver(batch));
  };

  const deliver = async (batch: Pending[]): Promise<void> => {
    const body = batch.flatMap((p) => p.lines).join('\n');
    for (let attempt = 0; ; attempt++) {
      try {
        await influx.write(body);
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        const e = err as Error & { retryable?: boolean };
        if (!e.retryable || closed) {
          options.log.error({ err: e, lines: batch.length }, 'InfluxDB refused a batch');
          for (const p of batch) p.reject(e);
          return;
        }
        const wait = backoffMs(attempt);
        options.log.warn({ err: e, attempt, waitMs: wait }, 'InfluxDB write failed; retrying');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };

  return {
    append(lines) {
      if (closed) return Promise.reject(new Error('sink closed'));
      if (lines.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ lines, resolve, reject });
        queuedLines += lines.length;
        if (queuedLines >= options.batchLines) flush();
        else timer ??= setTimeout(flush, options.flushMs);
      });
    },
    async close() {
      flush();
      await inFlight;
      closed = true;
    },
  };
}
