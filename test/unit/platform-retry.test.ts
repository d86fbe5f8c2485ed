import { describe, expect, it } from 'vitest';
import { createRetryPolicy, retryUntilDone } from '../../platform/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

/** The formula of the removed ingest/backoff.ts, kept here as the reference the policy must reproduce. */
function oldBackoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(baseMs / 2, Math.floor(random() * ceiling));
}

describe('retry policy', () => {
  it("full jitter reproduces the delivery loop's old backoff exactly: a random delay in [base/2, min(cap, base x 2^attempt)]", () => {
    for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999]) {
      const policy = createRetryPolicy({ baseMs: 200, maxMs: 30_000, jitter: 'full', random: () => r });
      for (let attempt = 0; attempt < 40; attempt++) expect(policy.delayMs(attempt)).toBe(oldBackoffMs(attempt, 200, 30_000, () => r));
    }
    const policy = createRetryPolicy({ baseMs: 200, maxMs: 30_000, jitter: 'full', random: () => 0.5 });
    expect([0, 1, 2, 3, 10].map((a) => policy.delayMs(a))).toEqual([100, 200, 400, 800, 15_000]);
  });

  it("a server's Retry-After wins, capped at the maximum", () => {
    const policy = createRetryPolicy({ baseMs: 10, maxMs: 50, jitter: 'full', random: () => 0.5 });
    expect(policy.delayMs(0, 20)).toBe(20);
    expect(policy.delayMs(5, 5000)).toBe(50);
  });

  it('without jitter the delay doubles from the base up to the maximum', () => {
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, jitter: 'none' });
    expect([0, 1, 2, 3, 4, 5].map((a) => policy.delayMs(a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('retryUntilDone', () => {
  it('tries again after each delay of the policy, in virtual time, until the operation succeeds', async () => {
    const vt = createVirtualTime();
    const t0 = vt.now();
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, jitter: 'none' });
    const tries: number[] = [];
    const errors: Array<[number, number]> = [];
    const done = retryUntilDone(
      async (attempt) => {
        tries.push(vt.now() - t0);
        if (attempt < 3) throw new Error(`try ${attempt}`);
        return 'stored';
      },
      { policy, scheduler: vt.scheduler, onError: (_err, attempt, waitMs) => errors.push([attempt, waitMs]) },
    );
    for (let i = 0; i < 10; i++) {
      await Promise.resolve();
      await Promise.resolve();
      vt.advanceBy(100);
    }
    await expect(done).resolves.toBe('stored');
    expect(tries).toEqual([0, 100, 300, 700]);
    expect(errors).toEqual([
      [0, 100],
      [1, 200],
      [2, 400],
    ]);
  });

  it('stops when onError throws (shutdown)', async () => {
    const vt = createVirtualTime();
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, jitter: 'none' });
    const stop = new Error('stopped');
    const done = retryUntilDone(() => Promise.reject(new Error('down')), {
      policy,
      scheduler: vt.scheduler,
      onError: () => {
        throw stop;
      },
    });
    await expect(done).rejects.toBe(stop);
  });
});
