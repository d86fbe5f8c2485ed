import type { Subscription } from 'rxjs';

/**
 * Lets the Node timer behind an action scheduled on `systemScheduler` (RxJS asyncScheduler)
 * not hold the process open, as `setTimeout(...).unref()` did: for timers a clean exit must
 * not wait for (a restart delay, a metrics sample). The action keeps its timer handle in `id`
 * (RxJS AsyncAction), and an action that reschedules itself with the same delay keeps the same
 * timer, so a periodic action stays unref'd. Virtual-time schedulers have no timer: no-op.
 * Returns the action, so `unrefTimer(scheduler.schedule(work, ms))` reads as one call.
 */
export function unrefTimer<S extends Subscription>(action: S): S {
  const id = (action as unknown as { id?: unknown }).id;
  if (typeof id === 'object' && id !== null && 'unref' in id && typeof id.unref === 'function') (id as { unref(): void }).unref();
  return action;
}
