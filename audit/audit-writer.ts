import type { Logger } from '../core/index.js';
import { createRateLimitedLog, createRetryPolicy, wait, type Clock, type RateLimitedLog, type SchedulerLike } from '../platform/index.js';
import { AuditAppender } from './audit-appender.js';
import { auditPath } from './audit-files.js';

/** What the writer counts, for the metrics. */
export interface AuditWriterCounts {
  written: number;
  writeErrors: number;
  dropped: number;
}

export interface AuditWriterOptions {
  dir: string;
  log: Logger;
  clock: Clock;
  /** Waits between retries of a failed write (virtual time in tests). */
  scheduler: SchedulerLike;
  /** Entries held in memory while writes fail; past it new entries are dropped (counted, logged). */
  maxQueued?: number;
  /** The same bound in UTF-16 units of queued text (default 8 Mi): a few huge entries cannot fill memory either. */
  maxQueuedChars?: number;
  /** A batch (one write, one fdatasync) holds at most this many entries. */
  maxBatch?: number;
  onCount?(kind: keyof AuditWriterCounts, n: number): void;
}

interface Pending {
  /** Epoch ms when recorded: the file is that UTC day's. */
  at: number;
  line: string;
}

/**
 * The audit log's queue and its one writing loop: record() only queues (it never waits for the
 * disk, never throws); the loop writes entries in order, a batch at a time per day file. A failed
 * write keeps the batch at the queue's head and retries with back-off; the failure is logged at
 * most once a minute and counted.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private queuedChars = 0;
  private running: Promise<void> | undefined;
  private closing = false;
  private readonly appender: AuditAppender;
  private readonly limitedLog: RateLimitedLog;
  private readonly policy = createRetryPolicy({ baseMs: 500, maxMs: 30_000 });
  private readonly abort = new AbortController();

  constructor(private readonly o: AuditWriterOptions) {
    this.appender = new AuditAppender(o.dir);
    this.limitedLog = createRateLimitedLog(o.log, 60_000, o.clock);
  }

  /** Entries waiting to be written. */
  get queued(): number {
    return this.queue.length;
  }

  push(at: number, line: string): void {
    if (this.queue.length >= (this.o.maxQueued ?? 10_000) || this.queuedChars + line.length > (this.o.maxQueuedChars ?? 8 * 1024 * 1024)) {
      this.o.onCount?.('dropped', 1);
      this.limitedLog(
        'error',
        'audit-dropped',
        { queued: this.queue.length },
        'audit entries dropped: the audit log cannot write and its queue is full',
      );
      return;
    }
    this.queue.push({ at, line });
    this.queuedChars += line.length;
    this.kick();
  }

  /** Resolves when everything queued so far is written, or (closing) after one more failed try. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Writes what is queued (one try if the disk still fails: what is left is logged as lost), then closes the file. */
  async close(): Promise<void> {
    this.closing = true;
    this.abort.abort();
    this.kick();
    await this.flush();
    if (this.queue.length > 0) this.o.log.error({ lost: this.queue.length }, 'audit entries not written at close');
    await this.appender.close().catch(() => undefined);
  }

  private kick(): void {
    if (this.running || this.queue.length === 0) return;
    // setImmediate: the caller's request goes on; entries of one turn of the event loop share a batch.
    this.running = new Promise<void>((r) => setImmediate(r))
      .then(() => this.drain())
      .finally(() => {
        this.running = undefined;
        if (this.queue.length > 0 && !this.closing) this.kick();
      });
  }

  private async drain(): Promise<void> {
    for (let attempt = 0; this.queue.length > 0;) {
      try {
        await this.writeBatch();
        attempt = 0;
      } catch (err) {
        this.o.onCount?.('writeErrors', 1);
        // The next try opens the file again (a handle that failed once may stay broken).
        await this.appender.close().catch(() => undefined);
        this.limitedLog('error', 'audit-write', { err, queued: this.queue.length }, 'audit log write failed; entries kept and retried');
        if (this.closing) return;
        await wait(this.policy.delayMs(attempt++), this.o.scheduler, this.abort.signal);
      }
    }
  }

  /** One write of the queue's head: the entries of the first one's day, up to maxBatch. */
  private async writeBatch(): Promise<void> {
    const path = auditPath(this.o.dir, this.queue[0]!.at);
    const max = this.o.maxBatch ?? 1000;
    let n = 0;
    while (n < this.queue.length && n < max && auditPath(this.o.dir, this.queue[n]!.at) === path) n++;
    const lines = this.queue.slice(0, n).map((p) => p.line);
    const buf = Buffer.from(lines.join(''), 'utf8');
    const written = await this.appender.append(path, buf);
    // After a short write only the lines wholly on disk count; the rest is written again.
    const done = written >= buf.length ? n : countNewlines(buf.subarray(0, written));
    for (const p of this.queue.splice(0, done)) this.queuedChars -= p.line.length;
    if (done > 0) this.o.onCount?.('written', done);
    if (done < n) throw new Error(`short write to ${path}: ${written} of ${buf.length} bytes`);
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}
