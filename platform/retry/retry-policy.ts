import type { SchedulerLike } from 'rxjs';
import { wait } from '../time/wait.js';

export interface RetryPolicyOptions {
  /** The first delay's ceiling (full jitter) or the first delay (no jitter), ms. */
  baseMs: number;
  /** No delay is longer than this, ms. */
  maxMs: number;
  /**
   * `full`: a random delay in [base/2, min(max, base x 2^attempt)] (AWS architecture blog,
   * "Exponential Backoff And Jitter"), so many retrying clients do not stampede together;
   * `none`: exactly min(max, base x 2^attempt), deterministic.
   */
  jitter?: 'full' | 'none';
  random?: () => number;
}

/** Owns the delay between tries; the loops that retry ask it instead of computing their own. */
export interface RetryPolicy {
  /** The wait before try `attempt + 1`, after `attempt` (0-based) failed; a server's Retry-After wins, capped. */
  delayMs(attempt: number, retryAfterMs?: number): number;
}

export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const { baseMs, maxMs, jitter = 'full', random = Math.random } = options;
  return {
    delayMs(attempt, retryAfterMs) {
      if (retryAfterMs !== undefined) return Math.min(maxMs, Math.max(0, retryAfterMs));
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
      if (jitter === 'none') return ceiling;
      return Math.max(baseMs / 2, Math.floor(random() * ceiling));
    },
  };
}

export interface RetryOptions {
  policy: RetryPolicy;
  scheduler: SchedulerLike;
  /** Told of each failure before the wait; throw from it to stop retrying (e.g. on shutdown). */
  onError?: (err: unknown, attempt: number, waitMs: number) => void;
  /** Aborting ends the current wait at once; the next failure's `onError` decides whether to stop. */
  signal?: AbortSignal;
}

/** Runs `op` until it succeeds, waiting by `policy` between tries: for work that must not be given up. */
export async function retryUntilDone<T>(op: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      const waitMs = options.policy.delayMs(attempt);
      options.onError?.(err, attempt, waitMs);
      await wait(waitMs, options.scheduler, options.signal);
    }
  }
}
