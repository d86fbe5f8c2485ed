import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Time, one way everywhere: a part that only reads the time takes a `Clock`; a part that
 * waits, batches or ticks takes an RxJS `SchedulerLike`, which is also a Clock (`now()`), so
 * one object serves both. Production passes `asyncScheduler` (Date.now and real timers);
 * tests pass a `VirtualTimeScheduler` or `TestScheduler` and run in virtual time.
 */
export interface Clock {
  now(): number;
}

export type { SchedulerLike };

export const systemClock: Clock = { now: () => Date.now() };

/** The production scheduler: wall-clock time and real timers. */
export const systemScheduler: SchedulerLike = asyncScheduler;
