import { describe, expect, it } from 'vitest';
import { createFailureBackoff, createFailureThrottle, type ThrottledAttempt } from '../../platform/index.js';

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

  it('checks at most maxFailures secrets of one key, however many attempts arrive in parallel', async () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 5, windowMs: 60_000, blockMs: 30_000, clock });
    let checked = 0;
    /** A login: reserved, then a slow check (the secret is always wrong), then its failure recorded. */
    const login = async (): Promise<'refused' | 'failed'> => {
      const reserved = throttle.reserve('10.0.0.1');
      if (!reserved) return 'refused';
      checked++;
      await new Promise((r) => setImmediate(r));
      reserved.fail();
      return 'failed';
    };
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => login()));
    expect(checked).toBe(5);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(5);
    expect(throttle.blockedFor('10.0.0.1')).toBe(30_000);
    expect(throttle.reserve('10.0.0.1')).toBeUndefined();
    expect(throttle.reserve('10.0.0.2')).toBeDefined();
  });

  it('acquire: the rest of a parallel burst waits for the attempts in flight, then meets the block; successes free their places', async () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 5, windowMs: 60_000, blockMs: 30_000, clock });
    let checked = 0;
    const login = async (key: string, right: boolean): Promise<'refused' | 'failed' | 'ok'> => {
      const reserved = await throttle.acquire(key);
      if (!reserved) return 'refused';
      checked++;
      await new Promise((r) => setImmediate(r));
      if (right) {
        reserved.release();
        return 'ok';
      }
      reserved.fail();
      return 'failed';
    };
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => login('10.0.0.1', i === 195)));
    expect(checked).toBe(5);
    expect(outcomes[195]).toBe('refused');
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(195);
    // Forty gateways behind one NAT address, all with the right secret, all get in.
    checked = 0;
    expect(await Promise.all(Array.from({ length: 40 }, () => login('10.0.0.2', true)))).toEqual(Array(40).fill('ok'));
    expect(checked).toBe(40);
    expect(throttle.size).toBe(1); // the blocked key only
  });

  it('acquire refuses at once beyond maxWaiting waiters of one key', async () => {
    const throttle = createFailureThrottle({ maxFailures: 1, windowMs: 60_000, blockMs: 30_000, maxWaiting: 2, clock: fakeClock() });
    const first = (await throttle.acquire('k'))!;
    const waiting = [throttle.acquire('k'), throttle.acquire('k')];
    expect(await throttle.acquire('k')).toBeUndefined();
    first.release();
    const second = await waiting[0]!;
    expect(second).toBeDefined();
    second!.release();
    expect(await waiting[1]!).toBeDefined();
  });

  it('an attempt in flight holds its place until it ends; a release frees it without counting a failure', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 2, windowMs: 60_000, blockMs: 30_000, clock });
    const a = throttle.reserve('k')!;
    const b = throttle.reserve('k')!;
    expect(throttle.reserve('k')).toBeUndefined(); // two in flight: no third check
    expect(throttle.blockedFor('k')).toBe(0); // not blocked, only busy
    a.release();
    a.fail(); // an ended attempt ends once
    const c = throttle.reserve('k')!;
    expect(b.fail()).toBe(false);
    expect(c.fail()).toBe(true); // the second failure starts the block
    expect(throttle.blockedFor('k')).toBe(30_000);
  });

  it('a clear during an attempt in flight still lets that attempt record its failure', () => {
    const clock = fakeClock();
    const throttle = createFailureThrottle({ maxFailures: 1, windowMs: 60_000, blockMs: 30_000, clock });
    const a = throttle.reserve('k')!;
    throttle.clear('k');
    expect(a.fail()).toBe(true);
    expect(throttle.blockedFor('k')).toBe(30_000);
  });
});

describe('failure back-off (platform)', () => {
  const options = { freeFailures: 3, windowMs: 15 * 60_000, baseMs: 1000, maxMs: 30_000 };
  const fail = (a: ThrottledAttempt | undefined): void => {
    expect(a).toBeDefined();
    a!.fail();
  };

  it('after the free failures lets one attempt through at a time, 1 s after the last failure, doubling up to the cap', () => {
    const clock = fakeClock();
    const backoff = createFailureBackoff({ ...options, clock });
    for (let i = 0; i < 3; i++) fail(backoff.reserve('admin'));
    expect(backoff.waitFor('admin')).toBe(1000);
    expect(backoff.reserve('admin')).toBeUndefined();
    expect(backoff.waitFor('someone-else')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const wait = backoff.waitFor('admin');
      waits.push(wait);
      clock.advance(wait);
      fail(backoff.reserve('admin'));
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('holds back a second attempt while one is in flight, never for longer than the cap, and forgets on clear', () => {
    const clock = fakeClock();
    const backoff = createFailureBackoff({ ...options, clock });
    for (let i = 0; i < 2; i++) fail(backoff.reserve('admin'));
    const third = backoff.reserve('admin')!;
    expect(backoff.reserve('admin')).toBeUndefined(); // the third, in flight, counts as a failure
    third.release();
    const parallel = Array.from({ length: 50 }, () => backoff.reserve('admin')).filter((a) => a !== undefined);
    expect(parallel).toHaveLength(1);
    parallel[0]!.fail();
    for (let i = 0; i < 100; i++) {
      expect(backoff.waitFor('admin')).toBeLessThanOrEqual(30_000);
      clock.advance(backoff.waitFor('admin'));
      fail(backoff.reserve('admin'));
    }
    backoff.clear('admin');
    expect(backoff.waitFor('admin')).toBe(0);
    expect(backoff.size).toBe(0);
  });
});
