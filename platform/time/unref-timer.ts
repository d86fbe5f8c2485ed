import { asyncScheduler, Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * Timers that must not hold the process open (a periodic fsync, a retention sweep, a status
 * tick), on a scheduler. RxJS's asyncScheduler does not unref its timers, so on it (the system
 * scheduler, `systemScheduler`) these use a plain Node timer, unref'd; any other scheduler
 * (virtual time in tests) runs the work itself. Unsubscribe to stop.
 */
export function scheduleUnref(scheduler: SchedulerLike, work: () => void, delayMs: number): Subscription {
  if (scheduler === asyncScheduler) {
    const timer = setTimeout(work, Math.max(0, delayMs));
    timer.unref();
    return new Subscription(() => clearTimeout(timer));
  }
  return scheduler.schedule(work, Math.max(0, delayMs));
}

/** Runs `work` every `periodMs` until unsubscribed; unref'd on the system scheduler (see scheduleUnref). */
export function everyUnref(scheduler: SchedulerLike, work: () => void, periodMs: number): Subscription {
  if (scheduler === asyncScheduler) {
    const timer = setInterval(work, periodMs);
    timer.unref();
    return new Subscription(() => clearInterval(timer));
  }
  return scheduler.schedule(function (this: SchedulerAction<undefined>) {
    work();
    this.schedule(undefined, periodMs);
  }, periodMs);
}
