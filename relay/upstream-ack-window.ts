import type { LogCursor } from '../core/index.js';
import type { Unit } from './upstream-batch.js';

/**
 * Advances the relay's cursor one call at a time (core/ports.ts `LogCursor.advance` fsyncs):
 * targets that arrive meanwhile are merged, their line counts summed. A failed advance is
 * reported and merged into the next one, so no line goes uncounted; until then the position
 * stays behind, which costs at most a harmless resend after a reconnect.
 */
export interface CursorAdvancer {
  advance(to: number, lines: number): void;
  /** Resolves once no advance is running or waiting. */
  idle(): Promise<void>;
}

export function createCursorAdvancer(cursor: LogCursor, onError: (err: unknown) => void): CursorAdvancer {
  let pending: { to: number; lines: number } | undefined;
  let running: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    while (pending) {
      const next = pending;
      pending = undefined;
      try {
        await cursor.advance(next.to, next.lines);
      } catch (err) {
        onError(err);
        // Targets may have arrived during the failed call (`pending` changed meanwhile).
        const later = pending as { to: number; lines: number } | undefined;
        pending = later ? { to: later.to, lines: later.lines + next.lines } : next;
        return;
      }
    }
  };
  return {
    advance(to, lines) {
      pending = pending ? { to: Math.max(to, pending.to), lines: pending.lines + lines } : { to, lines };
      if (running) return;
      running = run().finally(() => (running = undefined));
    },
    async idle() {
      while (running) await running;
    },
  };
}

interface Entry {
  unit: Unit;
  done: boolean;
}

/**
 * The units of one connection in publish order. The cursor advances only over a prefix of
 * units whose messages were ALL acknowledged (PUBACK), whatever order the PUBACKs come in, so
 * what lies past the position was never lost upstream. `drop()` (the connection is gone) ends
 * it: later acknowledgements are ignored and the next connection resumes from the position.
 */
export class AckWindow {
  private readonly entries: Entry[] = [];
  private unacked = 0;
  private gone = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly advancer: CursorAdvancer,
    private readonly maxInflight: number,
  ) {}

  /** Whether the connection is gone (acknowledgements are ignored). */
  get dropped(): boolean {
    return this.gone;
  }

  /** Messages published and not yet acknowledged. */
  get inflight(): number {
    return this.unacked;
  }

  /** Adds a unit in publish order; a unit without a message is done at once. Returns its acknowledgement. */
  push(unit: Unit): () => void {
    const entry: Entry = { unit, done: unit.message === undefined };
    this.entries.push(entry);
    if (entry.done) {
      this.settle();
      return () => undefined;
    }
    this.unacked++;
    return () => {
      if (entry.done || this.gone) return;
      entry.done = true;
      this.unacked--;
      this.settle();
      this.wake();
    };
  }

  /** Resolves when another message may be published (fewer than maxInflight unacknowledged), or on drop. */
  async room(): Promise<void> {
    while (this.unacked >= this.maxInflight && !this.gone) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when nothing is in flight (every message acknowledged), or on drop. */
  async drained(): Promise<void> {
    while (this.unacked > 0 && !this.gone) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** The connection is gone: forget what is in flight. */
  drop(): void {
    this.gone = true;
    this.entries.length = 0;
    this.wake();
  }

  private settle(): void {
    let to: number | undefined;
    let lines = 0;
    while (this.entries.length > 0 && this.entries[0]!.done) {
      const { unit } = this.entries.shift()!;
      to = unit.end;
      lines += unit.lines;
    }
    if (to !== undefined && !this.gone) this.advancer.advance(to, lines);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
