import { QuantracError, type Logger } from '../core/index.js';
import type { SegmentSet } from './spool-segments.js';

/** An append waiting for its commit. */
export interface Waiter {
  /** The lines, encoded once on arrival: a commit only copies bytes (no giant string to flatten and encode). */
  data: Buffer;
  bytes: number;
  lines: number;
  resolve(): void;
  reject(err: Error): void;
}

/** What the writer tells its spool. */
export interface CommitListener {
  /** A commit of `lines` is durable (the writer's counters already include it); called before its appends resolve. */
  committed(lines: number): void;
  /** The slowest consumer's position now (the checkpoint or a cursor): a rotation removes the segments behind it. */
  readonly retainFrom: number;
}

export interface GroupCommitOptions {
  /** A segment is sealed when the next commit would take it past this size. */
  segmentBytes: number;
  log: Logger;
  /** Called with the duration of each group commit (write + fdatasync), seconds. */
  onCommit?: (seconds: number) => void;
}

/**
 * The segment writer with group commit (docs/ARCHITECTURE.md, "Durability point"): every append
 * pushed in the same turn of the event loop (all packets of a socket chunk, all clients' chunks
 * read together), and every append pushed while a commit is in progress, shares one write() and
 * one fdatasync. A failed commit rejects its appends (never acknowledged) and cuts the bytes.
 */
export class GroupCommitWriter {
  /** Logical offset just past the last durable byte. */
  committedEnd: number;
  /** Bytes pushed, not yet in a commit. */
  pendingBytes = 0;
  /** Bytes of the commit in progress: written, not yet durable, already counted against the budget. */
  inflightBytes = 0;
  commits = 0;
  appendedPoints = 0;
  /** The last commit's errno code while writes fail (coarse: shown on /healthz); undefined after a success. */
  writeError: string | undefined;
  private pending: Waiter[] = [];
  private scheduled = false;
  private committing: Promise<void> | undefined;

  constructor(
    private readonly segments: SegmentSet,
    private readonly listener: CommitListener,
    private readonly options: GroupCommitOptions,
  ) {
    this.committedEnd = segments.active.start;
  }

  /** Queues an append for the next commit. Per message: no closure, no await. */
  push(w: Waiter): void {
    this.pending.push(w);
    this.pendingBytes += w.bytes;
    if (!this.scheduled && !this.committing) {
      this.scheduled = true;
      // setImmediate, not nextTick: it runs after every packet of the chunks read in this turn.
      setImmediate(this.startCommits);
    }
  }

  /** Resolves once nothing is queued or committing. */
  async idle(): Promise<void> {
    while (this.scheduled || this.committing || this.pending.length > 0) {
      if (this.committing) await this.committing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  private readonly startCommits = (): void => {
    this.scheduled = false;
    this.committing = this.runCommits().finally(() => {
      this.committing = undefined;
      if (this.pending.length > 0) {
        this.scheduled = true;
        setImmediate(this.startCommits);
      }
    });
  };

  private async runCommits(): Promise<void> {
    while (this.pending.length > 0) await this.commitOnce();
  }

  private async commitOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.inflightBytes = this.pendingBytes;
    this.pendingBytes = 0;
    let lines = 0;
    for (const w of batch) lines += w.lines;
    const buf = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((w) => w.data));
    const t0 = performance.now();
    try {
      await this.writeDurably(buf);
    } catch (err) {
      await this.failed(batch, buf, err);
      return;
    }
    this.options.onCommit?.((performance.now() - t0) / 1000);
    this.writeError = undefined;
    this.segments.active.size += buf.length;
    this.committedEnd += buf.length;
    this.inflightBytes = 0;
    this.appendedPoints += lines;
    this.commits++;
    this.listener.committed(lines);
    for (const w of batch) w.resolve();
  }

  private async writeDurably(buf: Buffer): Promise<void> {
    const segments = this.segments;
    if (segments.active.size > 0 && segments.active.size + buf.length > this.options.segmentBytes) {
      await segments.rotate(this.committedEnd);
      await segments.removeDelivered(this.listener.retainFrom);
    }
    const fh = segments.activeFh;
    const at = segments.active.size;
    let written = 0;
    while (written < buf.length) {
      const { bytesWritten } = await fh.write(buf, written, buf.length - written, at + written);
      written += bytesWritten;
    }
    await fh.datasync();
  }

  private async failed(batch: Waiter[], buf: Buffer, err: unknown): Promise<void> {
    const { log } = this.options;
    log.error({ err, bytes: buf.length }, 'spool write failed; the messages are not acknowledged');
    await this.segments.activeFh
      .truncate(this.segments.active.size)
      .catch((e: Error) => log.error({ err: e }, 'spool could not cut a failed write'));
    const e = new QuantracError('ERR_SPOOL_WRITE', `spool write failed: ${(err as Error).message}`, { retryable: true, cause: err });
    this.writeError = (err as NodeJS.ErrnoException).code ?? 'write failed';
    this.inflightBytes = 0;
    for (const w of batch) w.reject(e);
  }
}
