import type { Logger } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { Waiter } from './spool-writer.js';

export type BackpressureLevel = 'none' | 'slowing' | 'paused';

/** The spool's byte counts the policy decides on. */
export interface BacklogBytes {
  /** Committed, not yet delivered. */
  backlogBytes(): number;
  /** Everything counted against the budget: the backlog, the commit in progress and the appends queued for the next. */
  queuedBytes(): number;
}

export interface SpoolBudgetOptions {
  /** Undelivered bytes at which gated appends wait for room (SPOOL_BUDGET_BYTES). */
  budgetBytes: number;
  /** Undelivered bytes past which admission is slowed. */
  highWaterBytes: number;
  /** The delay added to an admission as the backlog goes from the high-water mark to the budget. */
  maxSlowdownMs: number;
  log: Logger;
  clock: Clock;
  /** Called at each change of the backpressure level, synchronously. */
  onBackpressure?: (level: BackpressureLevel) => void;
}

/**
 * The spool's budget and slowdown policy (docs/ARCHITECTURE.md, "Durability point"): past the
 * high-water mark admissions are slowed; at the budget gated appends (gateway readings) wait in
 * FIFO order, which holds the PUBACK and so the gateway's socket. None is dropped.
 */
export class SpoolBudget {
  level: BackpressureLevel = 'none';
  /** Gated appends waiting for room, oldest first. */
  private readonly blocked: Waiter[] = [];
  private levelSince: number;
  private slowingMs = 0;
  private pausedMs = 0;

  constructor(
    private readonly options: SpoolBudgetOptions,
    private readonly bytes: BacklogBytes,
  ) {
    this.levelSince = options.clock.now();
  }

  /** An empty spool always takes the next message, however large: no message waits forever. */
  hasRoom(bytes: number): boolean {
    const queued = this.bytes.queuedBytes();
    return queued === 0 || queued + bytes <= this.options.budgetBytes;
  }

  /** Must a gated append of `bytes` wait? Yes while others wait (FIFO) or there is no room. */
  mustWait(bytes: number): boolean {
    return this.blocked.length > 0 || !this.hasRoom(bytes);
  }

  hold(w: Waiter): void {
    this.blocked.push(w);
    this.update();
  }

  /** Hands the waiting appends that now fit to `admit`, in order. */
  release(admit: { push(w: Waiter): void }): void {
    while (this.blocked.length > 0 && this.hasRoom(this.blocked[0]!.bytes)) admit.push(this.blocked.shift()!);
  }

  rejectAll(err: Error): void {
    for (const w of this.blocked.splice(0)) w.reject(err);
  }

  /** Re-evaluates the level; tells `onBackpressure` of a change. */
  update(): void {
    const { highWaterBytes, clock, log } = this.options;
    const bytes = this.bytes.queuedBytes();
    const level = this.level;
    // Hysteresis: slowing ends 10 % below the mark, so the level does not flap at the line.
    const slowing = bytes > highWaterBytes || (level !== 'none' && bytes > highWaterBytes * 0.9);
    const next = this.blocked.length > 0 ? 'paused' : slowing ? 'slowing' : 'none';
    if (next === level) return;
    const now = clock.now();
    if (level === 'slowing') this.slowingMs += now - this.levelSince;
    if (level === 'paused') this.pausedMs += now - this.levelSince;
    const fields = { from: level, to: next, backlogBytes: this.bytes.backlogBytes(), budgetBytes: this.options.budgetBytes };
    log[next === 'none' ? 'info' : 'warn'](fields, 'spool backpressure changed');
    this.level = next;
    this.levelSince = now;
    this.options.onBackpressure?.(next);
  }

  /** How long to hold an admission now (backpressure below the budget), ms. */
  slowdownMs(): number {
    const { highWaterBytes, budgetBytes, maxSlowdownMs } = this.options;
    const bytes = this.bytes.queuedBytes();
    if (bytes <= highWaterBytes || maxSlowdownMs === 0) return 0;
    return Math.round(maxSlowdownMs * Math.min(1, (bytes - highWaterBytes) / Math.max(1, budgetBytes - highWaterBytes)));
  }

  /** Milliseconds spent slowing and paused, including the current spell. */
  durations(now: number): { slowingMs: number; pausedMs: number } {
    const current = now - this.levelSince;
    return {
      slowingMs: this.slowingMs + (this.level === 'slowing' ? current : 0),
      pausedMs: this.pausedMs + (this.level === 'paused' ? current : 0),
    };
  }
}
