import { describe, expect, it } from 'vitest';
import { createFailureThrottle } from '../../platform/index.js';

function fakeClock(start = 1_000_000): { now(): number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('failure throttle (platform)', () => {
  it('blocks a key after N failures within the window, for the block time, then lets it try again', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 3, windowMs: 60_000, blockMs: 30_000, clock });
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    expect(throttle.blockedFor('10.0.0.1')).toBe(0);
    expect(throttle.recordFailure('10.0.0.1')).toBe(true); // this failure started the block
    expect(throttle.blockedFor('10.0.0.1')).toBe(30_000);
    expect(throttle.blockedFor('10.0.0.2')).toBe(0);
    clock.advance(29_999);
    expect(throttle.blockedFor('10.0.0.1')).toBe(1);
    clock.advance(1);
    expect(throttle.blockedFor('10.0.0.1')).toBe(0);
    // The count started afresh: one more failure does not block again.
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
  });

  it('reports only the failure that starts a block, not the ones during it', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 2, windowMs: 60_000, blockMs: 30_000, clock });
    throttle.recordFailure('a');
    expect(throttle.recordFailure('a')).toBe(true);
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.blockedFor('a')).toBe(30_000);
  });

  it('forgets failures older than the window', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 3, windowMs: 60_000, blockMs: 30_000, clock });
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    clock.advance(60_001);
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.blockedFor('a')).toBe(0);
  });

  it('forgets a key on clear', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 2, windowMs: 60_000, blockMs: 30_000, clock });
    throttle.recordFailure('a');
    throttle.clear('a');
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.recordFailure('a')).toBe(true);
    throttle.clear('a');
    expect(throttle.blockedFor('a')).toBe(0);
    expect(throttle.size).toBe(0);
  });

  it('keeps its memory bounded under a flood of keys', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 3, windowMs: 60_000, blockMs: 30_000, clock, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBeLessThanOrEqual(100);
  });
});
