import type { Logger } from '../core/index.js';
import { createRateLimitedLog, type Clock } from '../platform/index.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface WorkerBacklog {
  /**
   * Whether `n` readings may go to the worker: not when none is running or it is more than
   * `maxBacklog` readings behind; those are counted dropped and logged (at most once a minute).
   */
  admit(n: number, running: boolean): boolean;
  /** The worker has evaluated `n` readings. */
  taken(n: number): void;
  /** A new worker starts with nothing sent to it. */
  reset(): void;
  readonly readings: number;
}

/** Readings sent to the alerts worker and not yet evaluated, bounded so a stuck worker cannot fill the main heap. */
export function createWorkerBacklog(maxBacklog: number, log: Logger, clock: Clock, metrics?: WorkerMetrics): WorkerBacklog {
  let backlog = 0;
  let dropped = 0;
  const rateLimited = createRateLimitedLog(log, 60_000, clock);
  const drop = (n: number, why: string): false => {
    dropped += n;
    metrics?.dropped.inc(n);
    rateLimited('error', 'dropped', { dropped, why }, 'readings not evaluated by the alert rules');
    return false;
  };
  const set = (n: number): void => {
    backlog = n;
    metrics?.backlog.set(backlog);
  };
  return {
    admit(n, running) {
      if (!running) return drop(n, 'the alerts worker is not running');
      if (backlog > maxBacklog) return drop(n, `the alerts worker is ${backlog} readings behind`);
      set(backlog + n);
      return true;
    },
    taken: (n) => set(backlog - n),
    reset() {
      backlog = 0;
    },
    get readings() {
      return backlog;
    },
  };
}
