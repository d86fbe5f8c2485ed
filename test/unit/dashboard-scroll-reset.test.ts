import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../dashboard/web/src/router.js';
import { pageKey } from '../../dashboard/web/src/scroll-reset.js';

const key = (hash: string): string => pageKey(parseRoute(hash));

describe('what counts as another page (the scroll goes back to the top)', () => {
  it('another view, station, zone or place is another page', () => {
    expect(key('#/')).not.toBe(key('#/map'));
    expect(key('#/station/A')).not.toBe(key('#/station/B'));
    expect(key('#/zone/Z1')).not.toBe(key('#/zone/Z2'));
    expect(key('#/zone/Z1')).not.toBe(key('#/zone/Z1?view=map'));
    expect(key('#/')).not.toBe(key('#/alerts'));
    expect(key('#/reports/station/A?period=day')).not.toBe(key('#/station/A'));
  });

  it("a chart's parameter, an alerts tab or a report's date is the same page", () => {
    expect(key('#/station/A?parameter=COD')).toBe(key('#/station/A?parameter=pH'));
    expect(key('#/alerts')).toBe(key('#/alerts/history'));
    expect(key('#/reports/zone/Z?date=2026-01-01')).toBe(key('#/reports/zone/Z?date=2026-01-02'));
  });
});
