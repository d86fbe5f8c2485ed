import type { Subscription } from 'rxjs';
import type { SchedulerLike } from '../platform/index.js';

export interface PendingTimers {
  /** Runs `fn` after `ms` on the scheduler, unless cleared first. */
  after(ms: number, fn: () => void): void;
  /** Resolves after `ms`; never, once cleared. */
  delay(ms: number): Promise<void>;
  /** Cancels every timer still pending (a run being closed). */
  clear(): void;
}

/**
 * The simulator's timers on one scheduler (real time in production, virtual in tests), kept
 * so that close() can cancel those still pending; a timer leaves the set when it fires.
 */
export function createPendingTimers(scheduler: SchedulerLike): PendingTimers {
  const pending = new Set<Subscription>();
  const after = (ms: number, fn: () => void): void => {
    const timer = scheduler.schedule(() => {
      pending.delete(timer);
      fn();
    }, ms);
    pending.add(timer);
  };
  return {
    after,
    delay: (ms) => new Promise((resolve) => after(ms, resolve)),
    clear() {
      for (const t of pending) t.unsubscribe();
      pending.clear();
    },
  };
}
