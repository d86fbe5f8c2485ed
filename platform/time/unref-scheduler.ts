import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * `scheduler`, except that the Node timers it starts do not hold the process open
 * (`Timeout.unref()`): for periodic or deferred work (frames, flushes) that must not keep a
 * finished process alive, as the raw `setInterval(...).unref()` it replaces did not.
 *
 * RxJS's asyncScheduler keeps a pending action's timer in the action's public `id`, and a
 * periodic action (`interval`, a recursive reschedule with the same delay) keeps that one
 * timer for as long as its period does not change, so unref-ing it when it is scheduled is
 * enough. Schedulers without Node timers (virtual time) have nothing to unref and pass through.
 */
export function unrefScheduler(scheduler: SchedulerLike): SchedulerLike {
  return {
    now: () => scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      const action = scheduler.schedule(work, delay, state);
      const id = (action as { id?: unknown }).id;
      if (typeof id === 'object' && id !== null && 'unref' in id && typeof id.unref === 'function') id.unref();
      return action;
    },
  };
}
