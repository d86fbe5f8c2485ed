import { systemClock, type Clock, type Logger } from '../core/index.js';
import { backoffMs } from './backoff.js';
import type { DeadLetterStore } from './dead-letters.js';
import { InfluxWriteError, type InfluxClient, type InfluxWriteErrorKind } from './influx-client.js';
import { noMetrics, type IngestMetrics } from './ingest-metrics.js';
import type { Spool } from './spool.js';

export interface DeliveryOptions {
  spool: Spool;
  influx: InfluxClient;
  deadLetters: Pick<DeadLetterStore, 'appendLine'>;
  log: Logger;
  /** A batch is sent when it has this many lines or bytes, or its oldest line is this old. */
  batchLines: number;
  batchBytes: number;
  flushMs: number;
  /**
   * Batches in flight at once (default 2). InfluxDB parses one while the next is read and
   * sent; the checkpoint still advances strictly in order, past a batch only once it and
   * every batch before it are stored (a later batch stored first is replayed harmlessly:
   * points are idempotent).
   */
  concurrency?: number;
  retryBaseMs?: number;
  retryMaxMs: number;
  metrics?: IngestMetrics;
  clock?: Clock;
  random?: () => number;
}

export interface DeliveryStatus {
  lastSuccessAt?: number;
  /** Set while writes fail: when the current run of failures began. */
  failingSince?: number;
  consecutiveFailures: number;
  lastError?: { kind: InfluxWriteErrorKind; message: string; statusCode?: number; at: number };
}

export interface Delivery {
  status(): DeliveryStatus;
  /** Delivers what it can within `drainMs`, then stops; tells what is left for the next start. */
  close(drainMs?: number): Promise<{ backlogBytes: number; backlogPoints: number }>;
}

class Stopped extends Error {}

/**
 * The delivery loop (ARCHITECTURE.md, "Durability point"): reads the spool from the checkpoint,
 * posts batches (gzipped by the client), advances the checkpoint only after a 2xx. Network
 * errors, 5xx and 429 are retried with exponential backoff and full jitter for as long as it
 * takes. A batch InfluxDB refuses (400, 413, 422) is split in halves until the refused lines
 * stand alone; they go to the dead-letter store (fsynced before the checkpoint passes them) and
 * the rest is delivered: one bad line never costs a batch. 401/403/404, and a batch of several
 * lines every one of which is refused, blame no line: the batch is kept and retried until fixed.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { spool, influx, log } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? noMetrics;
  const random = options.random ?? Math.random;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const abort = new AbortController();
  const status: DeliveryStatus = { consecutiveFailures: 0 };
  let draining = false;
  let kick: () => void = () => undefined;
  let lastLogAt = 0;

  /** Waits for the spool to change, `ms` to pass, close(), or abort; never leaves a timer behind. */
  const pause = (ms: number | undefined): Promise<void> =>
    new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        if (kick === done) kick = () => undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, Math.max(0, ms));
      abort.signal.addEventListener('abort', done, { once: true });
      kick = done;
      if (ms === undefined || ms > 0) void spool.changed().then(done);
      else done();
    });
  const sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      abort.signal.addEventListener('abort', done, { once: true });
    });
  const check = (): void => {
    if (abort.signal.aborted) throw new Stopped('delivery stopped');
  };

  const succeeded = (): void => {
    if (status.failingSince !== undefined) {
      log.info({ failedForMs: clock.now() - status.failingSince, attempts: status.consecutiveFailures }, 'InfluxDB writes recovered');
    }
    status.lastSuccessAt = clock.now();
    status.failingSince = undefined;
    status.consecutiveFailures = 0;
  };

  const failed = (e: InfluxWriteError, attempt: number, waitMs: number): void => {
    const now = clock.now();
    status.failingSince ??= now;
    status.consecutiveFailures++;
    status.lastError = { kind: e.kind, message: e.message, ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }), at: now };
    metrics.influxError(e.kind);
    // One line per failure at first, then one every 30 s: an outage must not flood the log.
    if (attempt < 3 || now - lastLogAt >= 30_000) {
      lastLogAt = now;
      const st = spool.stats();
      const fields = {
        err: e.message,
        kind: e.kind,
        statusCode: e.statusCode,
        attempt,
        waitMs,
        backlogBytes: st.backlogBytes,
        backlogPoints: st.backlogPoints,
      };
      if (e.kind === 'config')
        log.error(
          fields,
          'InfluxDB refuses our writes (credentials, database, bucket, or a proxy in between?): keeping the data and retrying',
        );
      else log.warn(fields, 'InfluxDB write failed; retrying');
    }
  };

  /**
   * Sends `buf` (whole lines); returns when every line is stored or dead-lettered. When the
   * split finds every line of a batch of several refused, no line is to blame: a proxy, a
   * gateway or a setting answers 400 to everything. Dead-lettering them all would empty the
   * spool into a file, so the batch is kept and retried with backoff like a 401/403/404, and
   * the error is logged for an operator.
   */
  const send = async (buf: Buffer): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const refused = await write(buf);
      if (refused.length === 0) return;
      const lines = countLines(buf);
      if (lines > 1 && refused.length === lines) {
        const first = refused[0]!.error;
        const e = new InfluxWriteError(
          `InfluxDB refused every one of the ${lines} lines of a batch (${first.message}): not blaming the data`,
          'config',
          first.statusCode,
          first.body,
        );
        const waitMs = backoffMs(attempt, retryBaseMs, options.retryMaxMs, random);
        failed(e, attempt, waitMs);
        await sleep(waitMs);
        check();
        continue;
      }
      for (const r of refused) await deadLetter(r.line, r.error);
      return;
    }
  };

  /**
   * Writes `buf`, retrying what can be retried; a refused batch (400, 413, 422) is split in
   * halves until the refused lines stand alone. Returns those lines, not yet dead-lettered.
   */
  const write = async (buf: Buffer): Promise<Array<{ line: Buffer; error: InfluxWriteError }>> => {
    for (let attempt = 0; ; attempt++) {
      check();
      const t0 = performance.now();
      // A signal per request: the transport adds an abort listener to it and never removes it.
      const request = new AbortController();
      const onAbort = (): void => request.abort();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await influx.write(buf, { signal: request.signal });
        metrics.influxWrite((performance.now() - t0) / 1000, 0, true);
        succeeded();
        return [];
      } catch (err) {
        metrics.influxWrite((performance.now() - t0) / 1000, 0, false);
        check();
        const e = err instanceof InfluxWriteError ? err : new InfluxWriteError((err as Error).message, 'network');
        if (e.kind === 'rejected') {
          metrics.influxError(e.kind);
          const mid = buf.length >> 1;
          let cut = buf.indexOf(0x0a, mid);
          if (cut < 0 || cut + 1 >= buf.length) cut = buf.lastIndexOf(0x0a, mid - 1);
          if (cut < 0 || cut + 1 >= buf.length) return [{ line: buf, error: e }]; // a single line
          return [...(await write(buf.subarray(0, cut + 1))), ...(await write(buf.subarray(cut + 1)))];
        }
        const waitMs = Math.min(options.retryMaxMs, e.retryAfterMs ?? backoffMs(attempt, retryBaseMs, options.retryMaxMs, random));
        failed(e, attempt, waitMs);
        if (e.kind === 'config' && e.statusCode === 404 && influx.target.api === 'v1') {
          await influx.ensureDatabase().catch(() => undefined); // dropped by an operator, or never created
        }
        await sleep(waitMs);
      } finally {
        abort.signal.removeEventListener('abort', onAbort);
      }
    }
  };

  /** Moves a refused line to the dead-letter store; returns once it is fsynced there. */
  const deadLetter = async (buf: Buffer, e: InfluxWriteError): Promise<void> => {
    const line = buf.toString('utf8').replace(/\n$/, '');
    log.error(
      { line: line.slice(0, 500), statusCode: e.statusCode, err: e.body ?? e.message },
      'InfluxDB refused a line: moved to the dead-letter store',
    );
    for (let attempt = 0; ; attempt++) {
      check();
      try {
        await options.deadLetters.appendLine(line, {
          path: '',
          code: 'influx_rejected',
          message: `InfluxDB answered ${e.statusCode ?? '?'}: ${e.body ?? e.message}`,
        });
        metrics.deadLetter('line');
        return;
      } catch (err) {
        log.error({ err }, 'could not write a dead letter; retrying (the line stays in the spool)');
        await sleep(backoffMs(attempt, retryBaseMs, options.retryMaxMs, random));
      }
    }
  };

  const advance = async (to: number, lines: number): Promise<number[]> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await spool.advance(to, lines);
      } catch (err) {
        // Not advancing only means a replay of this batch later (idempotent); keep trying.
        log.error({ err }, 'could not write the spool checkpoint; retrying');
        await sleep(backoffMs(attempt, retryBaseMs, options.retryMaxMs, random));
        check();
      }
    }
  };

  interface InFlight {
    end: number;
    lines: number;
    sent: Promise<void>;
  }

  // The checkpoint is written (two fsyncs) off the send loop, coalesced: while one write is
  // under way, batches stored meanwhile are folded into the next. A crash before it lands only
  // replays those batches, which stores nothing twice (points are idempotent).
  let advanceTo: number | undefined;
  let advanceLines = 0;
  let advancing: Promise<void> | undefined;
  const queueAdvance = (to: number, lines: number): void => {
    advanceTo = to;
    advanceLines += lines;
    advancing ??= (async () => {
      while (advanceTo !== undefined) {
        const target = advanceTo;
        const count = advanceLines;
        advanceTo = undefined;
        advanceLines = 0;
        const passed = await advance(target, count);
        const now = clock.now();
        metrics.delivered(
          count,
          passed.map((at) => (now - at) / 1000),
        );
      }
    })()
      .catch((err: unknown) => {
        if (!(err instanceof Stopped)) log.error({ err }, 'checkpoint writer stopped');
      })
      .finally(() => {
        advancing = undefined;
      });
  };

  const run = async (): Promise<void> => {
    const concurrency = Math.max(1, options.concurrency ?? 2);
    const inFlight: InFlight[] = [];
    let readPos = spool.checkpoint;
    /** Is a batch due: enough lines or bytes waiting, the oldest old enough, or draining? */
    const due = (): { wait?: number } | undefined => {
      if (readPos >= spool.committedEnd) return undefined;
      if (draining) return {};
      const st = spool.stats();
      const waiting = spool.committedEnd - readPos;
      const age = clock.now() - (st.oldestUndeliveredAt ?? clock.now());
      if (inFlight.length === 0) {
        return age < options.flushMs && waiting < options.batchBytes && st.backlogPoints < options.batchLines
          ? { wait: options.flushMs - age }
          : {};
      }
      // While writes fail, one batch probes; the others wait for it.
      if (status.failingSince !== undefined) return { wait: options.flushMs };
      // With a batch in flight, only a full one goes alongside it (the rest waits for the head).
      const waitingLines = st.backlogPoints - inFlight.reduce((n, b) => n + b.lines, 0);
      return waiting >= options.batchBytes || waitingLines >= options.batchLines ? {} : { wait: options.flushMs };
    };
    for (let failures = 0; !abort.signal.aborted;) {
      try {
        const next = inFlight.length < concurrency ? due() : undefined;
        if (next && next.wait === undefined) {
          const batch = await spool.read(readPos, options.batchBytes, options.batchLines);
          const sent = batch.lines > 0 ? send(batch.data) : Promise.resolve();
          sent.catch(() => undefined); // awaited in order below; this only marks it handled
          inFlight.push({ end: batch.end, lines: batch.lines, sent });
          readPos = batch.end;
          failures = 0;
          continue;
        }
        if (inFlight.length === 0) {
          if (next === undefined && draining) return;
          await pause(next?.wait);
          continue;
        }
        // Wait for the oldest batch; meanwhile a new one may become due if there is room.
        const head = inFlight[0]!;
        if (inFlight.length < concurrency) {
          const settled = await Promise.race([head.sent.then(() => true), pause(next?.wait).then(() => false)]);
          if (!settled) continue;
        }
        await head.sent;
        inFlight.shift();
        queueAdvance(head.end, head.lines);
      } catch (err) {
        if (err instanceof Stopped) throw err;
        // A spool read failing (EIO, a file removed by hand) must not end delivery: retry.
        // Batches in flight go on; the read is tried again from where it failed.
        log.error({ err, readPos }, 'delivery loop error; retrying');
        await sleep(backoffMs(failures++, retryBaseMs, options.retryMaxMs, random));
      }
    }
  };

  const running = run().catch((err: unknown) => {
    if (!(err instanceof Stopped)) log.error({ err }, 'delivery loop stopped');
  });

  return {
    status: () => ({ ...status, ...(status.lastError ? { lastError: { ...status.lastError } } : {}) }),
    async close(drainMs = 3000) {
      draining = true;
      kick();
      const timer = setTimeout(() => abort.abort(), drainMs);
      await running;
      // The last checkpoint write, within the same drain time.
      while (advancing) await advancing;
      clearTimeout(timer);
      abort.abort();
      const st = spool.stats();
      if (st.backlogBytes > 0)
        log.warn(
          { backlogBytes: st.backlogBytes, backlogPoints: st.backlogPoints },
          'stopping with undelivered points in the spool; they are delivered at the next start',
        );
      return { backlogBytes: st.backlogBytes, backlogPoints: st.backlogPoints };
    },
  };
}

/** Lines in a batch (each ends in a newline; a damaged last one may not). */
function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 0x0a ? n + 1 : n;
}
