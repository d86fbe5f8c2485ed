import { asyncScheduler, interval, Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * An action on a plain Node timer that is unref'd: it never holds the process open. Like
 * RxJS's AsyncAction it may reschedule itself from its work (`this.schedule(state, delay)`, as
 * `interval` and `timer` do); it closes once its work ran without rescheduling.
 */
class UnrefAction<T> extends Subscription implements SchedulerAction<T> {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super();
    this.add(() => this.clear());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.clear();
    const timer = setTimeout(() => this.run(state), Math.max(0, delay));
    timer.unref();
    this.timer = timer;
    return this;
  }

  /** For tests: whether the pending timer would hold the process open. */
  get holdsProcess(): boolean {
    return this.timer?.hasRef() ?? false;
  }

  private run(state?: T): void {
    this.timer = undefined;
    try {
      this.work.call(this, state);
    } finally {
      if (this.timer === undefined) this.unsubscribe();
    }
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Wall-clock time and unref'd Node timers: the system scheduler for work that must not keep a finished process alive. */
export const unrefTimerScheduler: SchedulerLike = {
  now: () => Date.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    return new UnrefAction(work).schedule(state, delay);
  },
};

/**
 * `scheduler`, except that on the system scheduler (RxJS asyncScheduler) its timers do not hold
 * the process open (`Timeout.unref()`), as a raw `setInterval(...).unref()` would not: for
 * periodic or deferred work (frames, flushes, fsync ticks, sweeps). Any other scheduler
 * (virtual time in tests) has no Node timers and is returned as it is.
 */
export function unrefScheduler(scheduler: SchedulerLike): SchedulerLike {
  return scheduler === asyncScheduler ? unrefTimerScheduler : scheduler;
}

/** Runs `work` once after `delayMs` on `scheduler`, unref'd on the system scheduler. Unsubscribe to cancel. */
export function scheduleUnref(scheduler: SchedulerLike, work: () => void, delayMs: number): Subscription {
  return unrefScheduler(scheduler).schedule(work, Math.max(0, delayMs));
}

/** Runs `work` every `periodMs` until unsubscribed, unref'd on the system scheduler. */
export function everyUnref(scheduler: SchedulerLike, work: () => void, periodMs: number): Subscription {
  return interval(periodMs, unrefScheduler(scheduler)).subscribe(() => work());
}
