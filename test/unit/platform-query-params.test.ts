import { describe, expect, it } from 'vitest';
import {
  choiceParam,
  dayOf,
  decodeSegment,
  idParam,
  instantParam,
  intParam,
  MAX_INSTANT_MS,
  monthOf,
  ParamError,
} from '../../platform/http/query-params.js';

const q = (text: string): URLSearchParams => new URLSearchParams(text);
/** The ParamError's parameter name, or 'ok' when it parsed. */
const refusal = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ParamError);
    expect(err).toMatchObject({ status: 400, code: 'ERR_BAD_PARAM' });
    return (err as ParamError).param;
  }
};

describe('platform query-params: strict parsing of URL input', () => {
  it('reads instants as epoch ms or ISO 8601 within 1970..2100, and refuses the rest naming the parameter', () => {
    expect(instantParam(q(''), 'from', 7)).toBe(7);
    expect(instantParam(q('from=1700000000000'), 'from', 0)).toBe(1_700_000_000_000);
    expect(instantParam(q('from=2026-11-27T08:00:00%2B07:00'), 'from', 0)).toBe(Date.parse('2026-11-27T01:00:00Z'));
    expect(instantParam(q(`to=${MAX_INSTANT_MS}`), 'to', 0)).toBe(MAX_INSTANT_MS);
    for (const bad of ['9e15', '12345678901234567890', '9000000000000000', '-5', '0x10', 'now', '%E0%A4%A', '2026-11-27junk', ' 1']) {
      expect(
        refusal(() => instantParam(q(`from=${bad}`), 'from', 0)),
        bad,
      ).toBe('from');
    }
    expect(refusal(() => instantParam(q('from=1&from=2'), 'from', 0))).toBe('from');
  });

  it('reads whole numbers in their range only', () => {
    expect(intParam(q('limit=50'), 'limit', { min: 1, max: 5000 }, 500)).toBe(50);
    expect(intParam(q(''), 'limit', { min: 1, max: 5000 }, 500)).toBe(500);
    for (const bad of ['0', '5001', '12345678901234567890', '1.5', 'abc', '1e3', '-1']) {
      expect(
        refusal(() => intParam(q(`limit=${bad}`), 'limit', { min: 1, max: 5000 }, 500)),
        bad,
      ).toBe('limit');
    }
  });

  it('reads ids (with the catalogue when given), choices, days and months; catches malformed escapes', () => {
    expect(idParam(q('station=WW-01'), 'station')).toBe('WW-01');
    expect(idParam(q(''), 'station')).toBeUndefined();
    for (const bad of ['%0A', '%E0%A4%A', 'a%27b', '-x', 'x'.repeat(65)])
      expect(
        refusal(() => idParam(q(`station=${bad}`), 'station')),
        bad,
      ).toBe('station');
    expect(refusal(() => idParam(q('station=NOPE'), 'station', (id) => id === 'WW-01'))).toBe('station');
    expect(choiceParam(q('format=csv'), 'format', ['json', 'csv'] as const)).toBe('csv');
    expect(refusal(() => choiceParam(q('format=xml'), 'format', ['json', 'csv'] as const))).toBe('format');
    expect(dayOf('2026-11-27', 'date')).toBe('2026-11-27');
    for (const bad of ['2026-02-30', '99999-01-01', '1969-12-31', '2100-01-01', '27-11-2026'])
      expect(
        refusal(() => dayOf(bad, 'date')),
        bad,
      ).toBe('date');
    expect(monthOf('2026-11', 'month')).toBe('2026-11');
    expect(refusal(() => monthOf('2026-13', 'month'))).toBe('month');
    expect(decodeSegment('a%20b', 'name')).toBe('a b');
    expect(refusal(() => decodeSegment('%E0%A4%A', 'name'))).toBe('name');
    expect(refusal(() => decodeSegment('%', 'name'))).toBe('name');
  });
});
