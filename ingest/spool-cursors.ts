import { join } from 'node:path';
import { QuantracError, type Logger, type LogCursor } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { CommitTimes } from './spool-commit-times.js';
import { checkCursorName, countPointsFrom, cursorFile } from './spool-cursor-files.js';
import { fsyncDir, removeFile, writePositionFile, type SegmentFile } from './spool-files.js';
import type { SpoolRead } from './spool-reader.js';

/** One cursor as the spool's stats show it. */
export interface CursorStats {
  name: string;
  position: number;
  backlogBytes: number;
  backlogPoints: number;
  /** Epoch ms of the oldest commit not yet passed; undefined when the cursor is at the end. */
  oldestAt?: number;
}

/** What the cursors need of their spool. */
export interface CursorHost {
  readonly committedEnd: number;
  read(from: number, maxBytes: number, maxLines: number): Promise<SpoolRead>;
  changed(): Promise<void>;
  /** A cursor moved or went: the spool removes what no consumer needs, and lets waiting appends in. */
  cursorsMoved(): Promise<void>;
}

/** A cursor's state; `chain` serialises its file writes (one temp file per cursor). */
interface CursorState {
  name: string;
  position: number;
  points: number;
  times: CommitTimes;
  chain: Promise<void>;
  gone: boolean;
}

const dropped = (name: string): QuantracError =>
  new QuantracError('ERR_CURSOR_DROPPED', `spool cursor ${name} was dropped`, { retryable: false });

/**
 * The spool's named cursors (docs/ARCHITECTURE.md, "One durable log, many cursors"): consumers
 * besides delivery (the upstream relay) each read the one log from a durable position of their
 * own, written like the checkpoint (temp file, fsync, rename, fsync the directory) and advanced
 * only on their sink's acknowledgement. The spool keeps every segment some cursor has not passed.
 */
export class SpoolCursors {
  private readonly states = new Map<string, CursorState>();
  private readonly handles = new Map<string, LogCursor>();

  constructor(
    private readonly dir: string,
    private readonly host: CursorHost,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The cursors the last run left, with their backlog counted; a position past the end (impossible unless edited) is clamped. */
  async restore(stored: Map<string, number>, files: SegmentFile[]): Promise<void> {
    const end = this.host.committedEnd;
    const now = this.clock.now();
    for (const [name, offset] of stored) {
      const position = Math.min(offset, end);
      if (position < offset)
        this.log.warn({ cursor: name, offset, end }, 'spool cursor is past the end of the spool: it resumes at the end');
      const points = await countPointsFrom(files, position);
      const times = new CommitTimes(position < end ? end : undefined, now);
      this.states.set(name, { name, position, points, times, chain: Promise.resolve(), gone: false });
    }
  }

  /** The slowest cursor's position; MAX_SAFE_INTEGER when there is none. */
  min(): number {
    let min = Number.MAX_SAFE_INTEGER;
    for (const s of this.states.values()) if (s.position < min) min = s.position;
    return min;
  }

  /** A commit of `lines` points ending at `end` was made durable at `at`. */
  committed(lines: number, end: number, at: number): void {
    for (const s of this.states.values()) {
      s.points += lines;
      s.times.record(end, at);
    }
  }

  /** The cursor `name`: its stored position, or the committed end the first time (a new consumer starts from now). */
  async open(name: string): Promise<LogCursor> {
    checkCursorName(name);
    const known = this.handles.get(name);
    if (known) return known;
    let state = this.states.get(name);
    if (!state) {
      const position = this.host.committedEnd;
      // In the map before the write: commits meanwhile count in its backlog, and pin their segments.
      state = { name, position, points: 0, times: new CommitTimes(undefined, this.clock.now()), chain: Promise.resolve(), gone: false };
      this.states.set(name, state);
      try {
        await writePositionFile(this.dir, cursorFile(name), position, this.clock.now());
      } catch (err) {
        this.states.delete(name);
        throw err;
      }
      this.log.info({ cursor: name, position }, 'spool cursor created: it starts at the end of the spool');
    }
    const handle = this.handles.get(name) ?? this.handle(state);
    this.handles.set(name, handle);
    return handle;
  }

  /** Forgets the cursor `name` and deletes its file, so it pins nothing any more; nothing when there is no such cursor. */
  async drop(name: string): Promise<void> {
    checkCursorName(name);
    const state = this.states.get(name);
    // Gone first, so an advance queued meanwhile cannot write the file again; back if the file stays.
    if (state) state.gone = true;
    try {
      if (state) await state.chain;
      await removeFile(join(this.dir, cursorFile(name)));
      await fsyncDir(this.dir);
    } catch (err) {
      if (state) state.gone = false;
      throw err;
    }
    if (!state) return;
    this.states.delete(name);
    this.handles.delete(name);
    this.log.info({ cursor: name }, 'spool cursor dropped');
    await this.host.cursorsMoved();
  }

  stats(): CursorStats[] {
    const end = this.host.committedEnd;
    return [...this.states.values()].map((s) => ({
      name: s.name,
      position: s.position,
      backlogBytes: end - s.position,
      backlogPoints: s.points,
      ...(s.position < end ? { oldestAt: s.times.oldest() } : {}),
    }));
  }

  /** The LogCursor (core/ports.ts) over one state. */
  private handle(s: CursorState): LogCursor {
    const host = this.host;
    return {
      name: s.name,
      get position() {
        return s.position;
      },
      read: (from, maxBytes, maxLines) => host.read(from, maxBytes, maxLines),
      advance: (to, lines) => this.advance(s, to, lines),
      changed: () => host.changed(),
      backlog: () => {
        const bytes = host.committedEnd - s.position;
        return { bytes, points: s.points, ...(bytes > 0 ? { oldestAt: s.times.oldest() } : {}) };
      },
    };
  }

  /** Records (fsynced) that `s` is done up to `to`; refuses a position past what is durable. Serialised per cursor. */
  private advance(s: CursorState, to: number, lines: number): Promise<void> {
    const end = this.host.committedEnd;
    if (!Number.isSafeInteger(to) || to < 0 || to > end) {
      return Promise.reject(
        new QuantracError('ERR_CURSOR_RANGE', `spool cursor ${s.name} cannot advance to ${to}: the committed end is ${end}`),
      );
    }
    const run = s.chain.then(async () => {
      if (s.gone) throw dropped(s.name);
      if (to <= s.position) return;
      await writePositionFile(this.dir, cursorFile(s.name), to, this.clock.now());
      s.position = to;
      s.points = to >= this.host.committedEnd ? 0 : Math.max(0, s.points - Math.max(0, lines));
      s.times.passed(to);
      await this.host.cursorsMoved();
    });
    s.chain = run.catch(() => undefined);
    return run;
  }
}
