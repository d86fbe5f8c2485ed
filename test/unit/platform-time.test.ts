import { asyncScheduler, firstValueFrom, timer, type Subscription } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import {
  everyUnref,
  localDate,
  localHour,
  localIso,
  localMonth,
  parseLocalDay,
  parseLocalMonth,
  scheduleUnref,
  unrefScheduler,
  wait,
} from '../../platform/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

describe('platform time: wait', () => {
  it('resolves after the delay in virtual time, not before', async () => {
    const vt = createVirtualTime();
    let done = false;
    const p = wait(1_000, vt.scheduler).then(() => (done = true));
    vt.advanceBy(999);
    await Promise.resolve();
    expect(done).toBe(false);
    vt.advanceBy(1);
    await p;
    expect(done).toBe(true);
  });

  it('resolves at once when its signal aborts, and cancels the scheduled action', async () => {
    const vt = createVirtualTime();
    const abort = new AbortController();
    const p = wait(60_000, vt.scheduler, abort.signal);
    abort.abort();
    await p;
    expect(vt.scheduler.actions).toHaveLength(0);
    await wait(5, vt.scheduler, abort.signal); // already aborted: no wait at all
  });
});

describe('platform time: station local time (UTC+7)', () => {
  const t = Date.parse('2026-11-30T17:30:00.250Z'); // 00:30:00.250 on 1 December, local

  it('formats an instant in local time, with or without milliseconds, at another offset on request', () => {
    expect(localIso(t)).toBe('2026-12-01T00:30:00+07:00');
    expect(localIso(t, { millis: true })).toBe('2026-12-01T00:30:00.250+07:00');
    expect(localIso(t, { offsetMinutes: -90 })).toBe('2026-11-30T16:00:00-01:30');
    expect([localDate(t), localMonth(t), localHour(t)]).toEqual(['2026-12-01', '2026-12', '00:00']);
  });

  it('reads local days and months strictly: an impossible date is not rolled over', () => {
    expect(parseLocalDay('2026-12-01')).toBe(Date.parse('2026-11-30T17:00:00Z'));
    expect(parseLocalDay('2026-11-31')).toBeUndefined();
    expect(parseLocalDay('2026-2-1')).toBeUndefined();
    expect(parseLocalMonth('2028-02')).toEqual({ start: Date.parse('2028-01-31T17:00:00Z'), days: 29 });
    expect(parseLocalMonth('2026-13')).toBeUndefined();
  });
});

describe('platform time: unref scheduler', () => {
  it('runs work on timers that do not hold the process open, rescheduling as interval does, until cancelled', async () => {
    const action = unrefScheduler(asyncScheduler).schedule(() => undefined, 60_000) as Subscription & { holdsProcess: boolean };
    expect(action.holdsProcess).toBe(false);
    action.unsubscribe();
    expect(action.closed).toBe(true);

    const ticks: number[] = [];
    const sub = everyUnref(asyncScheduler, () => ticks.push(ticks.length), 5);
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(3), { timeout: 2_000, interval: 5 });
    sub.unsubscribe();
    const seen = ticks.length;
    await firstValueFrom(timer(30));
    expect(ticks.length).toBe(seen);

    let once = 0;
    await new Promise<void>((resolve) => scheduleUnref(asyncScheduler, () => resolve(void once++), 1));
    expect(once).toBe(1);
  });

  it('leaves a virtual-time scheduler as it is', () => {
    const vt = createVirtualTime();
    expect(unrefScheduler(vt.scheduler)).toBe(vt.scheduler);
    let ran = 0;
    everyUnref(vt.scheduler, () => ran++, 1_000);
    vt.advanceBy(3_000);
    expect(ran).toBe(3);
  });
});
