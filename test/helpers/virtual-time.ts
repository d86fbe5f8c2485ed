import { VirtualTimeScheduler } from 'rxjs';
import type { Clock } from '../../platform/index.js';

export interface VirtualTime {
  readonly scheduler: VirtualTimeScheduler;
  readonly clock: Clock;
  now(): number;
  /** Runs every action due up to `t` (epoch ms), then sets the clock to `t`. */
  advanceTo(t: number): void;
  advanceBy(ms: number): void;
}

/**
 * Virtual time for time-based code that takes an RxJS scheduler and a clock: the scheduler's
 * frames are epoch milliseconds starting at `startMs`, so dates (limits in force) are real.
 */
export function createVirtualTime(startMs: number = Date.parse('2026-11-27T01:00:00Z')): VirtualTime {
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = startMs;
  const vt: VirtualTime = {
    scheduler,
    clock: { now: () => scheduler.now() },
    now: () => scheduler.now(),
    advanceTo(t) {
      if (t < scheduler.frame) return;
      scheduler.maxFrames = t;
      scheduler.flush();
      scheduler.frame = t;
    },
    advanceBy(ms) {
      vt.advanceTo(scheduler.frame + ms);
    },
  };
  return vt;
}
