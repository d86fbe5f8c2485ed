import { describe, expect, it } from 'vitest';
import { isLost, linkStatus, STALE_AFTER_MS } from '../../dashboard/web/src/live/connection.js';

describe('connection truth on the page (live/connection.ts)', () => {
  const t0 = 1_790_000_000_000;

  it('is connecting before any frame, live while frames come, stale after 3.5 s of silence on an open socket', () => {
    expect(linkStatus({ open: false, lastFrameAt: undefined, now: t0 })).toEqual({ kind: 'connecting', since: undefined });
    expect(linkStatus({ open: true, lastFrameAt: undefined, now: t0 })).toEqual({ kind: 'connecting', since: undefined });
    expect(linkStatus({ open: true, lastFrameAt: t0, now: t0 + STALE_AFTER_MS })).toEqual({ kind: 'live', since: t0 });
    expect(linkStatus({ open: true, lastFrameAt: t0, now: t0 + STALE_AFTER_MS + 1 })).toEqual({ kind: 'stale', since: t0 });
    // The server beats after 2 s of quiet on its 250 ms tick: a second of slack over that, and
    // with the page's check every 500 ms the banner still shows within 5 s.
    expect(STALE_AFTER_MS).toBeGreaterThanOrEqual(2_250 + 1_000);
    expect(STALE_AFTER_MS + 500).toBeLessThan(5_000);
  });

  it('is down at once when the socket closes, as of its last frame', () => {
    const link = linkStatus({ open: false, lastFrameAt: t0, now: t0 + 10 });
    expect(link).toEqual({ kind: 'down', since: t0 });
    expect(isLost(link)).toBe(true);
    expect(isLost({ kind: 'stale', since: t0 })).toBe(true);
    expect(isLost({ kind: 'live', since: t0 })).toBe(false);
    expect(isLost({ kind: 'connecting', since: undefined })).toBe(false);
  });
});
