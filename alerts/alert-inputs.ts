import { Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { Logger, Presence, Reading, StorageCondition } from '../core/index.js';
import type { AlertEngine } from './engine.js';

export interface AlertInputs {
  readings$: Observable<Reading>;
  presence$?: Observable<Presence>;
  storage$?: Observable<StorageCondition>;
}

/**
 * Feeds the engine from its streams. A bad reading never stops the rules for the others; a
 * throw in a subscriber would reach RxJS's unhandled-error path, which rethrows it on a timer
 * and ends the process, so a bad presence or storage value is logged too (at most once per
 * 1000) and the stream carries on.
 */
export function subscribeInputs(engine: AlertEngine, inputs: AlertInputs, log: Logger): Subscription[] {
  const subs: Subscription[] = [];
  let readingErrors = 0;
  subs.push(
    inputs.readings$.subscribe({
      next: (r) => {
        try {
          engine.onReading(r);
        } catch (err) {
          if (readingErrors++ % 1000 === 0)
            log.error({ err, station: r.station, parameter: r.parameter }, 'alert rules failed on a reading');
        }
      },
      error: (err: Error) => log.error({ err }, 'readings stream failed; alert rules stop'),
    }),
  );
  let streamErrors = 0;
  const guard =
    <T>(what: string, fn: (value: T) => void) =>
    (value: T): void => {
      try {
        fn(value);
      } catch (err) {
        if (streamErrors++ % 1000 === 0) log.error({ err, value }, `alert rules failed on a ${what} update`);
      }
    };
  if (inputs.presence$) {
    const next = guard<Presence>('presence', (p) => engine.onPresence(p));
    subs.push(inputs.presence$.subscribe({ next, error: (err: Error) => log.error({ err }, 'presence stream failed') }));
  }
  if (inputs.storage$) {
    const next = guard<StorageCondition>('storage condition', (c) => engine.onStorage(c));
    subs.push(inputs.storage$.subscribe({ next, error: (err: Error) => log.error({ err }, 'storage condition stream failed') }));
  }
  return subs;
}

/**
 * Runs `tick` every `tickMs` on the scheduler until the subscription ends; a throw is logged
 * and the ticks go on. Each tick is a fresh action (not a recursive reschedule), so a long run
 * in virtual time builds no chain of nested subscriptions.
 */
export function scheduleTicks(scheduler: SchedulerLike, tickMs: number, tick: () => void, log: Logger): Subscription {
  let current: Subscription | undefined;
  let stopped = false;
  const next = (): void => {
    current = scheduler.schedule(() => {
      try {
        tick();
      } catch (err) {
        log.error({ err }, 'alert tick failed');
      }
      if (!stopped) next();
    }, tickMs);
  };
  next();
  return new Subscription(() => {
    stopped = true;
    current?.unsubscribe();
  });
}
