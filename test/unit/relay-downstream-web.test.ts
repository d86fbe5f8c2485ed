import { describe, expect, it } from 'vitest';
import { formatLag, isLate } from '../../dashboard/web/src/centre/forwarding-format.js';
import { parseRoute } from '../../dashboard/web/src/router.js';

describe('forwarding panel parts', () => {
  it('shows a lag humanly and marks it late over 60 s', () => {
    expect([850, 42_000, 185_000, 7_800_000, 273_600_000, -1].map(formatLag)).toEqual([
      '850 ms',
      '42 s',
      '3 min 5 s',
      '2 h 10 min',
      '3 d 4 h',
      '—',
    ]);
    expect([60_000, 60_001].map(isLate)).toEqual([false, true]);
  });

  it('has its own place in the URL', () => {
    expect(parseRoute('#/forwarding')).toEqual({ name: 'forwarding' });
  });
});
