import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { QuantracError, systemClock, type Clock, type Logger } from '../core/index.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import { fsyncDir, readLines, recoverSpool, removeFile, segmentPath, writeCheckpoint, type SegmentFile } from './spool-files.js';

/** The seam ingest writes through: `append` resolves once the lines are safe. */
export interface LineSink {
  append(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface SpoolOptions {
  /** The spool's own directory (DATA_DIR/spool). */
  dir: string;
  /** Undelivered bytes at which gated appends wait for room (SPOOL_BUDGET_BYTES). */
  budgetBytes: number;
  /** Undelivered bytes past which admission is slowed. */
  highWaterBytes: number;
  /** A segment is sealed when the next commit would take it past this size. */
  segmentBytes: number;
  /** The delay added to an admission as the backlog goes from the high-water mark to the budget. */
  maxSlowdownMs: number;
  log: Logger;
  clock?: Clock;
  /** Called with the duration of each group commit (write + fdatasync), seconds. */
  onCommit?: (seconds: number) => void;
  /** Called at each change of the backpressure level, synchronously. */
  onBackpressure?: (level: SpoolStats['backpressure']) => void;
}

export interface SpoolRead {
  data: Buffer;
  /** Logical offset just past `data`: the checkpoint to write once it is delivered. */
  end: number;
  lines: number;
}

export interface SpoolStats {
  backlogBytes: number;
  backlogPoints: number;
  diskBytes: number;
  segments: number;
  commits: number;
  appendedPoints: number;
  /** Epoch ms of the oldest undelivered commit, undefined when all is delivered. */
  oldestUndeliveredAt?: number;
  backpressure: 'none' | 'slowing' | 'paused';
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

type Segment = SegmentFile;

interface Waiter {
  /** The lines, encoded once on arrival: a commit only copies bytes (no giant string to flatten and encode). */
  data: Buffer;
  bytes: number;
  lines: number;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * The durable spool (ARCHITECTURE.md, "Durability point"): accepted readings, as line protocol,
 * appended to segment files with group commit. Every append made in the same turn of the event
 * loop (all packets of a socket chunk, all clients' chunks read together) and every append made
 * while a commit is in progress shares one write() and one fdatasync. The delivery loop reads
 * from the checkpoint and advances it after InfluxDB's 2xx; segments wholly behind it are removed.
 *
 * Overflow policy: none is dropped. Gated appends (gateway readings) wait in FIFO order while
 * the backlog is at the budget, which holds the PUBACK and so the gateway's socket.
 */
export async function createSpool(options: SpoolOptions): Promise<Spool> {
  const dir = resolve(options.dir);
  const { log, budgetBytes, highWaterBytes, segmentBytes } = options;
  const clock = options.clock ?? systemClock;
  await mkdir(dir, { recursive: true });
  const lock: DirLock = await acquireDirLock(join(dir, 'LOCK'));

  let segments: Segment[];
  let checkpoint: number;
  let backlogPoints = 0;
  let active: Segment;
  let activeFh: FileHandle;
  try {
    ({ segments, checkpoint, backlogPoints } = await recoverSpool(dir, log));
    const start = segments.length ? segments.at(-1)!.start + segments.at(-1)!.size : checkpoint;
    // A fresh segment per start: every older one is sealed and never written again.
    active = { start: Math.max(start, checkpoint), size: 0, path: segmentPath(dir, Math.max(start, checkpoint)) };
    activeFh = await open(active.path, 'w+');
    await fsyncDir(dir);
    segments.push(active);
    await removeDelivered();
  } catch (err) {
    await lock.release();
    throw err;
  }
  let committedEnd = active.start;

  let pending: Waiter[] = [];
  let pendingBytes = 0;
  /** Bytes of the commit in progress: written, not yet durable, already counted against the budget. */
  let inflightBytes = 0;
  const blocked: Waiter[] = [];
  let scheduled = false;
  let committing: Promise<void> | undefined;
  let accepting = true;
  let commits = 0;
  let appendedPoints = 0;
  let writeError: string | undefined;
  // Commit times by end offset (delivery latency, oldest undelivered age), coalesced.
  const commitLog: Array<{ end: number; at: number }> = checkpoint < committedEnd ? [{ end: committedEnd, at: clock.now() }] : [];
  let wake: Array<() => void> = [];
  let level: SpoolStats['backpressure'] = 'none';
  let levelSince = clock.now();
  let slowingMs = 0;
  let pausedMs = 0;

  const backlogBytes = (): number => committedEnd - checkpoint;
  const hasRoom = (bytes: number): boolean => {
    const queued = backlogBytes() + inflightBytes + pendingBytes;
    // An empty spool always takes the next message, however large: no message waits forever.
    return queued === 0 || queued + bytes <= budgetBytes;
  };

  const notify = (): void => {
    const w = wake;
    wake = [];
    for (const fn of w) fn();
  };

  const updateLevel = (): void => {
    const bytes = backlogBytes() + inflightBytes + pendingBytes;
    // Hysteresis: slowing ends 10 % below the mark, so the level does not flap at the line.
    const next =
      blocked.length > 0 ? 'paused' : bytes > highWaterBytes || (level !== 'none' && bytes > highWaterBytes * 0.9) ? 'slowing' : 'none';
    if (next === level) return;
    const now = clock.now();
    if (level === 'slowing') slowingMs += now - levelSince;
    if (level === 'paused') pausedMs += now - levelSince;
    log[next === 'none' ? 'info' : 'warn'](
      { from: level, to: next, backlogBytes: backlogBytes(), budgetBytes },
      'spool backpressure changed',
    );
    level = next;
    levelSince = now;
    options.onBackpressure?.(next);
  };

  const schedule = (): void => {
    if (scheduled || committing) return;
    scheduled = true;
    // setImmediate, not nextTick: it runs after every packet of the chunks read in this turn.
    setImmediate(() => {
      scheduled = false;
      committing = runCommits().finally(() => {
        committing = undefined;
        if (pending.length > 0) schedule();
      });
    });
  };

  const runCommits = async (): Promise<void> => {
    while (pending.length > 0) await commitOnce();
  };

  const commitOnce = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    inflightBytes = pendingBytes;
    pendingBytes = 0;
    let lines = 0;
    for (const w of batch) lines += w.lines;
    const buf = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((w) => w.data));
    const t0 = performance.now();
    try {
      if (active.size > 0 && active.size + buf.length > segmentBytes) await rotate();
      let written = 0;
      while (written < buf.length) {
        const { bytesWritten } = await activeFh.write(buf, written, buf.length - written, active.size + written);
        written += bytesWritten;
      }
      await activeFh.datasync();
    } catch (err) {
      log.error({ err, bytes: buf.length }, 'spool write failed; the messages are not acknowledged');
      await activeFh.truncate(active.size).catch((e: Error) => log.error({ err: e }, 'spool could not cut a failed write'));
      const e = new QuantracError('ERR_SPOOL_WRITE', `spool write failed: ${(err as Error).message}`, { retryable: true, cause: err });
      writeError = (err as NodeJS.ErrnoException).code ?? 'write failed';
      inflightBytes = 0;
      for (const w of batch) w.reject(e);
      return;
    }
    options.onCommit?.((performance.now() - t0) / 1000);
    writeError = undefined;
    active.size += buf.length;
    committedEnd += buf.length;
    inflightBytes = 0;
    backlogPoints += lines;
    appendedPoints += lines;
    commits++;
    const now = clock.now();
    const last = commitLog.at(-1);
    // Coarser as the backlog grows: a day-long outage keeps some 12,000 entries, not millions.
    const window = commitLog.length > 10_000 ? 60_000 : commitLog.length > 1000 ? 1000 : 50;
    if (last && now - last.at < window) last.end = committedEnd;
    else commitLog.push({ end: committedEnd, at: now });
    for (const w of batch) w.resolve();
    updateLevel();
    notify();
  };

  const rotate = async (): Promise<void> => {
    const next: Segment = { start: committedEnd, size: 0, path: segmentPath(dir, committedEnd) };
    const fh = await open(next.path, 'w+');
    await fsyncDir(dir);
    const old = activeFh;
    activeFh = fh;
    active = next;
    segments.push(next);
    await old.close();
    await removeDelivered();
  };

  async function removeDelivered(): Promise<void> {
    while (segments.length > 1 && segments[0]!.start + segments[0]!.size <= checkpoint) {
      await removeFile(segments.shift()!.path);
    }
  }

  const admitBlocked = (): void => {
    while (blocked.length > 0 && hasRoom(blocked[0]!.bytes)) {
      const w = blocked.shift()!;
      pending.push(w);
      pendingBytes += w.bytes;
    }
    if (pending.length > 0) schedule();
  };

  const enqueue = (text: string, lines: number, gated: boolean): Promise<void> => {
    if (!accepting) return Promise.reject(new QuantracError('ERR_SPOOL_CLOSED', 'the spool is closing', { retryable: true }));
    if (lines === 0) return Promise.resolve();
    return new Promise<void>((res, rej) => {
      const data = Buffer.from(text, 'utf8');
      const w: Waiter = { data, bytes: data.length, lines, resolve: res, reject: rej };
      if (gated && (blocked.length > 0 || !hasRoom(w.bytes))) {
        blocked.push(w);
        updateLevel();
        return;
      }
      pending.push(w);
      pendingBytes += w.bytes;
      if (gated) updateLevel();
      schedule();
    });
  };

  async function stopAccepting(): Promise<void> {
    accepting = false;
    const err = new QuantracError('ERR_SPOOL_CLOSED', 'the spool is closing', { retryable: true });
    for (const w of blocked.splice(0)) w.reject(err);
    updateLevel();
    while (scheduled || committing || pending.length > 0) {
      if (committing) await committing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  return {
    get checkpoint() {
      return checkpoint;
    },
    get committedEnd() {
      return committedEnd;
    },
    append(lines) {
      let text = '';
      for (const l of lines) text += `${l}\n`;
      return enqueue(text, lines.length, false);
    },
    appendText: enqueue,
    slowdownMs() {
      const bytes = backlogBytes() + inflightBytes + pendingBytes;
      if (bytes <= highWaterBytes || options.maxSlowdownMs === 0) return 0;
      return Math.round(options.maxSlowdownMs * Math.min(1, (bytes - highWaterBytes) / Math.max(1, budgetBytes - highWaterBytes)));
    },
    async read(from, maxBytes, maxLines) {
      if (from >= committedEnd) return { data: Buffer.alloc(0), end: from, lines: 0 };
      const seg = segments.find((s) => from >= s.start && from < s.start + s.size);
      if (!seg) {
        // Before the first segment or in a gap (files removed by hand): skip to the next data.
        const next = segments.find((s) => s.start > from && s.size > 0);
        return { data: Buffer.alloc(0), end: next ? next.start : committedEnd, lines: 0 };
      }
      // A handle of its own: the writer may seal and close the active segment meanwhile.
      try {
        const r = await readLines(seg.path, from - seg.start, seg.size - (from - seg.start), maxBytes, maxLines);
        return { data: r.data, end: from + r.consumed, lines: r.lines };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || seg === active) throw err;
        // Removed by hand: its data is gone; say so loudly and carry on with the next segment.
        log.error({ path: seg.path, bytes: seg.start + seg.size - from }, 'spool segment missing: its undelivered points are lost');
        return { data: Buffer.alloc(0), end: seg.start + seg.size, lines: 0 };
      }
    },
    async advance(to, lines) {
      if (to <= checkpoint) return [];
      try {
        await writeCheckpoint(dir, to, clock.now());
        checkpoint = to;
        backlogPoints = Math.max(0, backlogPoints - lines);
        if (checkpoint >= committedEnd) backlogPoints = 0;
        const passed: number[] = [];
        while (commitLog.length > 0 && commitLog[0]!.end <= to) passed.push(commitLog.shift()!.at);
        // The checkpoint is durable: a segment that cannot be removed now is only disk space
        // (the next advance or start tries again), never a reason to fail the advance.
        await removeDelivered().catch((err: Error) => log.warn({ err }, 'spool: could not remove a delivered segment'));
        return passed;
      } finally {
        // Whatever failed above, room that appeared must reach the gateways waiting for it: a
        // retry returns early (to <= checkpoint) and would never get here.
        admitBlocked();
        updateLevel();
        notify();
      }
    },
    changed() {
      return new Promise<void>((res) => wake.push(res));
    },
    stats() {
      const now = clock.now();
      return {
        backlogBytes: backlogBytes(),
        backlogPoints,
        diskBytes: segments.reduce((n, s) => n + s.size, 0),
        segments: segments.length,
        commits,
        appendedPoints,
        oldestUndeliveredAt: backlogBytes() > 0 ? commitLog[0]?.at : undefined,
        backpressure: level,
        slowingMs: slowingMs + (level === 'slowing' ? now - levelSince : 0),
        pausedMs: pausedMs + (level === 'paused' ? now - levelSince : 0),
      };
    },
    lastWriteError: () => writeError,
    stopAccepting,
    async close() {
      await stopAccepting();
      notify();
      await activeFh.close().catch(() => undefined);
      // An empty active segment is left for nobody: remove it so restarts do not pile them up.
      if (active.size === 0) await removeFile(active.path).catch(() => undefined);
      await lock.release();
    },
  };
}
