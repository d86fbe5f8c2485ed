import { describe, expect, it } from 'vitest';
import { toCsv } from '../../reports/csv.js';
import { literal, validValuesWhere } from '../../reports/influx-queries.js';
import { createRateLimiter } from '../../reports/rate-limiter.js';
import { reportsCatalogue, WW } from '../helpers/reports-fixture.js';

describe('token bucket per client (virtual time)', () => {
  it('lets a burst through, refuses the next with the wait, then refills at the set rate', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 3, perMinute: 6, clock: { now: () => now } });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 10 });
    expect(limiter.take('b')).toEqual({ ok: true, remaining: 2 });
    now = 4_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 6 });
    now = 10_000;
    expect(limiter.take('a')).toEqual({ ok: true, remaining: 0 });
    expect(limiter.take('a').ok).toBe(false);
    // A long pause refills to the burst size, never beyond.
    now = 3_600_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('keeps at most maxClients buckets: idle ones go first, then the least recently used', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 2, perMinute: 60, clock: { now: () => now }, maxClients: 3 });
    limiter.take('a');
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    limiter.take('d');
    expect(limiter.size).toBeLessThanOrEqual(3);
    now = 60_000;
    for (let i = 0; i < 100; i += 1) limiter.take(`x${i}`);
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});

describe('CSV', () => {
  it('is RFC 4180 with a BOM, quotes what needs it and defuses formulas', () => {
    const csv = toCsv(
      ['a', 'b', 'c', 'd'],
      [
        ['Yên Phong, Bắc Ninh', 'say "hi"', -1.5, null],
        ['=HYPERLINK("x")', true, 0, '+1'],
      ],
    );
    expect(csv).toBe('\uFEFFa,b,c,d\r\n"Yên Phong, Bắc Ninh","say ""hi""",-1.5,\r\n"\'=HYPERLINK(""x"")",true,0,\'+1\r\n');
  });
});

describe('InfluxQL', () => {
  it('quotes literals and excludes flagged and out-of-range values', () => {
    expect(literal("a'b\\c")).toBe("'a\\'b\\\\c'");
    const station = reportsCatalogue().station(WW)!;
    expect(validValuesWhere(station, station.parameters[0]!, 0, 1000)).toBe(
      `"station" = '${WW}' AND "parameter" = 'COD' AND "status" = '00' AND "value" >= 0 AND "value" <= 1000 AND time >= 0ms AND time < 1000ms`,
    );
    expect(validValuesWhere(station, station.parameters[2]!, 0, 1000)).toBe(
      `"station" = '${WW}' AND "parameter" = 'TSS' AND "status" = '00' AND time >= 0ms AND time < 1000ms`,
    );
  });
});
