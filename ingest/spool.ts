import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { QuantracError, type LogCursor } from '../core/index.js';
import { systemClock, type Clock } from '../platform/index.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import { CommitTimes } from './spool-commit-times.js';
import { readCursorFiles } from './spool-cursor-files.js';
import { SpoolCursors, type CursorHost, type CursorStats } from './spool-cursors.js';
import { writeCheckpoint } from './spool-files.js';
import { readSpool, type SpoolRead } from './spool-reader.js';
import { SegmentSet } from './spool-segments.js';
import { SpoolBudget, type BackpressureLevel, type BacklogBytes, type SpoolBudgetOptions } from './spool-budget.js';
import { GroupCommitWriter, type CommitListener, type GroupCommitOptions, type Waiter } from './spool-writer.js';

export type { SpoolRead } from './spool-reader.js';
export type { BackpressureLevel } from './spool-budget.js';
export type { CursorStats } from './spool-cursors.js';

/** The seam ingest writes through: `append` resolves once the lines are safe. */
export interface LineSink {
  append(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface SpoolOptions extends Omit<SpoolBudgetOptions, 'clock'>, GroupCommitOptions {
  /** The spool's own directory (DATA_DIR/spool). */
  dir: string;
  clock?: Clock;
}

export interface SpoolStats {
  /** Committed, not yet delivered to InfluxDB (the checkpoint's backlog). */
  backlogBytes: number;
  backlogPoints: number;
  /** Committed, not yet passed by every consumer (the checkpoint and each cursor): what the budget counts. */
  heldBytes: number;
  /** The named cursors (the upstream relay's), each with its own backlog. */
  cursors: CursorStats[];
  diskBytes: number;
  segments: number;
  commits: number;
  appendedPoints: number;
  /** Epoch ms of the oldest undelivered commit, undefined when all is delivered. */
  oldestUndeliveredAt?: number;
  backpressure: BackpressureLevel;
  /** Milliseconds spent slowing and paused since start, including the current spell. */
  slowingMs: number;
  pausedMs: number;
}

export interface Spool extends LineSink {
  /** Appends lines not subject to the budget (the centre's own writes: alert events). */
  append(lines: string[]): Promise<void>;
  /**
   * Appends `text` (whole lines, each ending in `\n`). With `gated`, waits while the backlog is
   * at the budget. Resolves after the fdatasync that made it durable.
   */
  appendText(text: string, lines: number, gated: boolean): Promise<void>;
  /** How long to hold an admission now (backpressure below the budget), ms. */
  slowdownMs(): number;
  read(from: number, maxBytes: number, maxLines: number): Promise<SpoolRead>;
  /** Records delivery up to `to` (fsynced checkpoint), removes delivered segments; returns the commit times passed. */
  advance(to: number, lines: number): Promise<number[]>;
  /** Resolves at the next commit or advance (or close). */
  changed(): Promise<void>;
  readonly checkpoint: number;
  readonly committedEnd: number;
  /** A named cursor (spool-cursors.ts): its stored position, or the committed end the first time. */
  openCursor(name: string): Promise<LogCursor>;
  /** Deletes a cursor's file, so it pins no segment any more; nothing when there is none. */
  dropCursor(name: string): Promise<void>;
  stats(): SpoolStats;
  /**
   * The last commit's error while writes fail, coarse (the errno code, e.g. ENOSPC: it is shown
   * on the public /healthz; the full error is in the log); undefined once a commit succeeds.
   */
  lastWriteError(): string | undefined;
  /** Refuses new appends and waits for the commits in progress. */
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The durable spool (docs/ARCHITECTURE.md, "Durability point"): accepted readings, as line
 * protocol, appended to segment files with group commit (GroupCommitWriter). The delivery loop
 * reads from the checkpoint (readSpool) and advances it after InfluxDB's 2xx; segments wholly
 * behind it are removed (SegmentSet). Overflow policy: none is dropped; the SpoolBudget slows
 * and then holds gated appends (gateway readings) in FIFO order while the backlog is at the budget.
 */
export async function createSpool(options: SpoolOptions): Promise<Spool> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const lock: DirLock = await acquireDirLock(join(dir, 'LOCK'));
  try {
    const stored = await readCursorFiles(dir, options.log);
    const opened = await SegmentSet.open(dir, options.log, Math.min(Number.MAX_SAFE_INTEGER, ...stored.values()));
    const spool = new DurableSpool(opened.segments, opened.checkpoint, opened.backlogPoints, lock, options);
    await spool.cursors.restore(stored, opened.segments.files);
    return spool;
  } catch (err) {
    await lock.release();
    throw err;
  }
}

const closing = (): QuantracError => new QuantracError('ERR_SPOOL_CLOSED', 'the spool is closing', { retryable: true });

/** The spool's parts composed: the writer commits, the budget gates, the checkpoint and the cursors advance. */
class DurableSpool implements Spool, CommitListener, BacklogBytes, CursorHost {
  readonly cursors: SpoolCursors;
  private readonly writer: GroupCommitWriter;
  private readonly budget: SpoolBudget;
  private readonly times: CommitTimes;
  private readonly clock: Clock;
  private accepting = true;
  private wake: Array<() => void> = [];

  constructor(
    private readonly segments: SegmentSet,
    private checkpointAt: number,
    private backlogPoints: number,
    private readonly lock: DirLock,
    private readonly options: SpoolOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.writer = new GroupCommitWriter(segments, this, options);
    this.budget = new SpoolBudget({ ...options, clock: this.clock }, this);
    const end = this.writer.committedEnd;
    this.times = new CommitTimes(checkpointAt < end ? end : undefined, this.clock.now());
    this.cursors = new SpoolCursors(segments.dir, this, this.clock, options.log);
  }

  get checkpoint(): number {
    return this.checkpointAt;
  }

  get committedEnd(): number {
    return this.writer.committedEnd;
  }

  /** The slowest consumer's position: nothing from here on may be removed. */
  get retainFrom(): number {
    return Math.min(this.checkpointAt, this.cursors.min());
  }

  /** Held for the slowest consumer: an upstream outage fills the budget as an InfluxDB outage does. */
  backlogBytes(): number {
    return this.writer.committedEnd - this.retainFrom;
  }

  queuedBytes(): number {
    return this.backlogBytes() + this.writer.inflightBytes + this.writer.pendingBytes;
  }

  committed(lines: number): void {
    this.backlogPoints += lines;
    const now = this.clock.now();
    this.times.record(this.writer.committedEnd, now);
    this.cursors.committed(lines, this.writer.committedEnd, now);
    this.budget.update();
    this.notify();
  }

  append(lines: string[]): Promise<void> {
    let text = '';
    for (const l of lines) text += `${l}\n`;
    return this.appendText(text, lines.length, false);
  }

  appendText(text: string, lines: number, gated: boolean): Promise<void> {
    if (!this.accepting) return Promise.reject(closing());
    if (lines === 0) return Promise.resolve();
    return new Promise<void>((res, rej) => {
      const data = Buffer.from(text, 'utf8');
      const w: Waiter = { data, bytes: data.length, lines, resolve: res, reject: rej };
      if (gated && this.budget.mustWait(w.bytes)) return this.budget.hold(w);
      this.writer.push(w);
      if (gated) this.budget.update();
    });
  }

  slowdownMs(): number {
    return this.budget.slowdownMs();
  }

  read(from: number, maxBytes: number, maxLines: number): Promise<SpoolRead> {
    return readSpool(this.segments, this.writer.committedEnd, from, maxBytes, maxLines, this.options.log);
  }

  async advance(to: number, lines: number): Promise<number[]> {
    if (to <= this.checkpointAt) return [];
    try {
      await writeCheckpoint(this.segments.dir, to, this.clock.now());
      this.checkpointAt = to;
      this.backlogPoints = Math.max(0, this.backlogPoints - lines);
      if (to >= this.writer.committedEnd) this.backlogPoints = 0;
      const passed = this.times.passed(to);
      await this.removePassed();
      return passed;
    } finally {
      // Whatever failed above, room that appeared must reach the gateways waiting for it: a
      // retry returns early (to <= checkpoint) and would never get here.
      this.budget.release(this.writer);
      this.budget.update();
      this.notify();
    }
  }

  /**
   * Removes the segments every consumer has passed. Positions are durable by then: a segment
   * that cannot be removed now is only disk space (the next advance or start tries again),
   * never a reason to fail the advance.
   */
  private async removePassed(): Promise<void> {
    await this.segments
      .removeDelivered(this.retainFrom)
      .catch((err: Error) => this.options.log.warn({ err }, 'spool: could not remove a delivered segment'));
  }

  async cursorsMoved(): Promise<void> {
    await this.removePassed();
    this.budget.release(this.writer);
    this.budget.update();
    this.notify();
  }

  openCursor(name: string): Promise<LogCursor> {
    return this.cursors.open(name);
  }

  dropCursor(name: string): Promise<void> {
    return this.cursors.drop(name);
  }

  changed(): Promise<void> {
    return new Promise<void>((res) => this.wake.push(res));
  }

  stats(): SpoolStats {
    const backlogBytes = this.writer.committedEnd - this.checkpointAt;
    return {
      backlogBytes,
      backlogPoints: this.backlogPoints,
      heldBytes: this.backlogBytes(),
      cursors: this.cursors.stats(),
      diskBytes: this.segments.diskBytes(),
      segments: this.segments.files.length,
      commits: this.writer.commits,
      appendedPoints: this.writer.appendedPoints,
      oldestUndeliveredAt: backlogBytes > 0 ? this.times.oldest() : undefined,
      backpressure: this.budget.level,
      ...this.budget.durations(this.clock.now()),
    };
  }

  lastWriteError(): string | undefined {
    return this.writer.writeError;
  }

  async stopAccepting(): Promise<void> {
    this.accepting = false;
    this.budget.rejectAll(closing());
    this.budget.update();
    await this.writer.idle();
  }

  async close(): Promise<void> {
    await this.stopAccepting();
    this.notify();
    await this.segments.close();
    await this.lock.release();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const fn of w) fn();
  }
}
