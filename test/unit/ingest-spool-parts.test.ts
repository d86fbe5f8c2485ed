import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/index.js';
import { SpoolBudget, type BackpressureLevel } from '../../ingest/spool-budget.js';
import { CommitTimes } from '../../ingest/spool-commit-times.js';
import type { Waiter } from '../../ingest/spool-writer.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const log = createLogger({ level: 'silent' });
const waiter = (bytes: number): Waiter => ({ data: Buffer.alloc(0), bytes, lines: 1, resolve: () => undefined, reject: () => undefined });

describe('SpoolBudget (the budget and slowdown policy)', () => {
  it('slows past the high-water mark, in proportion up to the budget, with hysteresis', () => {
    const vt = createVirtualTime();
    let queued = 0;
    const levels: BackpressureLevel[] = [];
    const budget = new SpoolBudget(
      { budgetBytes: 10_000, highWaterBytes: 5000, maxSlowdownMs: 1000, log, clock: vt.clock, onBackpressure: (l) => levels.push(l) },
      { backlogBytes: () => queued, queuedBytes: () => queued },
    );
    queued = 7500;
    budget.update();
    expect(budget.level).toBe('slowing');
    expect(budget.slowdownMs()).toBe(500);
    vt.advanceBy(2000);
    queued = 4800; // under the mark, but not 10 % under it
    budget.update();
    expect(budget.level).toBe('slowing');
    expect(budget.slowdownMs()).toBe(0);
    queued = 4000;
    budget.update();
    expect(levels).toEqual(['slowing', 'none']);
    expect(budget.durations(vt.now())).toEqual({ slowingMs: 2000, pausedMs: 0 });
  });

  it('holds gated appends in FIFO order at the budget and lets them in as room returns', () => {
    const vt = createVirtualTime();
    let queued = 9000;
    const budget = new SpoolBudget(
      { budgetBytes: 10_000, highWaterBytes: 5000, maxSlowdownMs: 0, log, clock: vt.clock },
      { backlogBytes: () => queued, queuedBytes: () => queued },
    );
    expect(budget.mustWait(2000)).toBe(true);
    const [a, b] = [waiter(2000), waiter(500)];
    budget.hold(a);
    expect(budget.level).toBe('paused');
    expect(budget.mustWait(500)).toBe(true); // it would fit, but an older one waits
    budget.hold(b);
    const admitted: Waiter[] = [];
    const writer = {
      push: (w: Waiter) => {
        admitted.push(w);
        queued += w.bytes;
      },
    };
    queued = 8000;
    budget.release(writer);
    expect(admitted).toEqual([a]); // b (500 more) no longer fits behind it
    queued = 5000;
    budget.release(writer);
    expect(admitted).toEqual([a, b]);
    budget.update();
    expect(budget.level).toBe('slowing');
  });
});

describe('CommitTimes', () => {
  it('coalesces commits close together, and tells the times of those a checkpoint passes', () => {
    const times = new CommitTimes(undefined, 0);
    times.record(100, 1000);
    times.record(200, 1020); // within 50 ms: folded into the first
    times.record(300, 1100);
    expect(times.oldest()).toBe(1000);
    expect(times.passed(150)).toEqual([]);
    expect(times.passed(300)).toEqual([1000, 1100]);
    expect(times.oldest()).toBeUndefined();
  });
});
