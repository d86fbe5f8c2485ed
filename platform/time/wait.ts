import { Subscription, type SchedulerLike } from 'rxjs';

/**
 * A promise that resolves after `ms` on `scheduler` (virtual time in tests), or at once when
 * `signal` aborts: for async loops that back off or poll. Resolves, never rejects.
 */
export function wait(ms: number, scheduler: SchedulerLike, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const pending = new Subscription();
    const done = (): void => {
      pending.unsubscribe();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    pending.add(scheduler.schedule(done, Math.max(0, ms)));
    signal?.addEventListener('abort', done, { once: true });
  });
}
