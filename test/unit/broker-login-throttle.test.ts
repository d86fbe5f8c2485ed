import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../broker/login-throttle.js';

function fakeClock(start = 1_000_000): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('login throttle', () => {
  it('blocks an address after N failures within a minute, for the block time, then lets it try again', () => {
    const clock = fakeClock();
    const throttle = createLoginThrottle({ maxFailures: 3, blockMs: 30_000, clock });
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    expect(throttle.blockedFor('10.0.0.1')).toBe(0);
    expect(throttle.recordFailure('10.0.0.1')).toBe(true);
    expect(throttle.blockedFor('10.0.0.1')).toBe(30_000);
    expect(throttle.blockedFor('10.0.0.2')).toBe(0);
    clock.advance(29_999);
    expect(throttle.blockedFor('10.0.0.1')).toBe(1);
    clock.advance(1);
    expect(throttle.blockedFor('10.0.0.1')).toBe(0);
    // The count started afresh: one more failure does not block again.
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
  });

  it('forgets failures older than the window', () => {
    const clock = fakeClock();
    const throttle = createLoginThrottle({ maxFailures: 3, blockMs: 30_000, clock });
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    clock.advance(60_001);
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.blockedFor('a')).toBe(0);
  });

  it('keeps its memory bounded under a flood of addresses', () => {
    const clock = fakeClock();
    const throttle = createLoginThrottle({ maxFailures: 3, blockMs: 30_000, clock, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBeLessThanOrEqual(100);
  });
});
