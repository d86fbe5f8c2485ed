import { describe, expect, it } from 'vitest';
import { F64Slab, MinuteTrend, RollingMean } from '../../alerts/index.js';

// The incremental windows against brute force on irregular data with gaps.
const MIN = 60_000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Irregular timestamps: bursts, single values and gaps of up to 2 h. */
function samples(seed: number, n: number): Array<{ ts: number; v: number }> {
  const random = prng(seed);
  let ts = Date.parse('2026-11-27T00:00:00Z');
  return Array.from({ length: n }, () => {
    const r = random();
    ts += r < 0.6 ? Math.floor(random() * 20_000) : r < 0.97 ? Math.floor(random() * 5 * MIN) : Math.floor(random() * 120 * MIN);
    return { ts, v: Math.round(random() * 10_000) / 100 };
  });
}

describe('RollingMean', () => {
  it('matches a brute-force mean and quarter count over the last 60 one-minute buckets', () => {
    for (const seed of [1, 2, 3]) {
      const rm = new RollingMean(60);
      const seen: Array<{ ts: number; v: number }> = [];
      for (const s of samples(seed, 3000)) {
        rm.add(s.ts, s.v);
        seen.push(s);
        const m = Math.floor(s.ts / MIN);
        const inWindow = seen.filter((x) => Math.floor(x.ts / MIN) > m - 60);
        const mean = inWindow.reduce((a, x) => a + x.v, 0) / inWindow.length;
        expect(rm.mean).toBeCloseTo(mean, 6);
        expect(rm.samples).toBe(inWindow.length);
        const quarters = new Set(inWindow.map((x) => Math.floor((Math.floor(x.ts / MIN) - (m - 59)) / 15)));
        expect(rm.validQuarters).toBe(quarters.size);
      }
    }
  });
});

describe('MinuteTrend', () => {
  it('fits the same line as brute-force least squares over the last 30 one-minute means', () => {
    const mt = new MinuteTrend(30);
    const all = samples(4, 2000).map((s, i) => ({ ts: s.ts, v: s.v * 0.1 + i * 0.05 }));
    const byMinute = new Map<number, number[]>();
    for (let i = 0; i < all.length; i++) {
      const s = all[i]!;
      const m = Math.floor(s.ts / MIN);
      const refitted = mt.add(s.ts, s.v);
      const completed = [...byMinute.keys()].filter((k) => k < m);
      if (refitted) {
        const last = Math.max(...completed);
        const pts = completed
          .filter((k) => k > last - 30)
          .map((k) => ({ x: k - last, y: byMinute.get(k)!.reduce((a, b) => a + b, 0) / byMinute.get(k)!.length }));
        expect(mt.points).toBe(pts.length);
        expect(mt.lastMinute).toBe(last);
        if (pts.length >= 2) {
          const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
          const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
          const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
          const sxy = pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
          const syy = pts.reduce((a, p) => a + (p.y - my) ** 2, 0);
          if (sxx > 0 && syy > 0) {
            expect(mt.slopePerMin).toBeCloseTo(sxy / sxx, 9);
            expect(mt.r2).toBeCloseTo((sxy * sxy) / (sxx * syy), 9);
            expect(mt.fitted).toBeCloseTo(my - (sxy / sxx) * mx, 6);
          }
        }
      }
      if (!byMinute.has(m)) byMinute.set(m, []);
      byMinute.get(m)!.push(s.v);
      for (const k of [...byMinute.keys()]) if (k < m - 40) byMinute.delete(k);
    }
  });

  it('projects when the line reaches a level', () => {
    const mt = new MinuteTrend(30);
    const t0 = Date.parse('2026-11-27T00:00:00Z');
    for (let m = 0; m <= 10; m++) mt.add(t0 + m * MIN, 40 + m);
    // Means 40..49 at minutes 0..9 (minute 10 is still open): the line reaches 75 at minute 35, mid-minute.
    expect(mt.slopePerMin).toBeCloseTo(1, 9);
    expect(mt.r2).toBeCloseTo(1, 9);
    expect(mt.crossingAt(75)).toBe(t0 + 35.5 * MIN);
  });
});

describe('windows sharing a slab', () => {
  it('give the same results as windows with buffers of their own, across chunk boundaries', () => {
    // A tiny chunk (100 numbers) forces windows to straddle chunks' ends and to be carved from
    // several chunks; values interleaved between windows would show up as a wrong mean or fit.
    const slab = new F64Slab(100);
    const shared = [
      new RollingMean(20, slab),
      new MinuteTrend(15, slab),
      new RollingMean(20, slab),
      new MinuteTrend(15, slab),
      new RollingMean(60, slab),
    ];
    const own = [new RollingMean(20), new MinuteTrend(15), new RollingMean(20), new MinuteTrend(15), new RollingMean(60)];
    const streams = shared.map((_, i) => samples(10 + i, 1500));
    for (let k = 0; k < 1500; k++) {
      for (let i = 0; i < shared.length; i++) {
        const s = streams[i]![k]!;
        const a = shared[i]!;
        const b = own[i]!;
        if (a instanceof RollingMean && b instanceof RollingMean) {
          a.add(s.ts, s.v);
          b.add(s.ts, s.v);
          expect([a.mean, a.samples, a.validQuarters]).toEqual([b.mean, b.samples, b.validQuarters]);
        } else if (a instanceof MinuteTrend && b instanceof MinuteTrend) {
          expect(a.add(s.ts, s.v)).toBe(b.add(s.ts, s.v));
          expect([a.slopePerMin, a.r2, a.points, a.lastMean]).toEqual([b.slopePerMin, b.r2, b.points, b.lastMean]);
        }
      }
    }
  });

  it('keeps a window to its own range even for a time before 1970 (validation never lets one through)', () => {
    const slab = new F64Slab();
    const b = new RollingMean(60, slab);
    const a = new RollingMean(60, slab); // right after b in the slab: a slot below 0 would be b's
    const t = Date.parse('2026-11-27T00:00:00Z');
    for (let k = 0; k < 60; k++) b.add(t + k * MIN, 10);
    a.add(-5 * MIN - 1, 1e9);
    expect(a.mean).toBe(1e9);
    // b's window moves on over every one of its buckets: any written by a would show here.
    for (let k = 60; k < 150; k++) {
      b.add(t + k * MIN, 20);
      const inWindow = Math.min(k + 1, 60);
      const tens = Math.max(0, 60 - (k - 59));
      expect([b.mean, b.samples, b.validQuarters]).toEqual([(tens * 10 + (inWindow - tens) * 20) / inWindow, inWindow, 4]);
    }
  });

  it('hands out zeroed, non-overlapping ranges and a buffer of its own for a window bigger than a chunk', () => {
    const slab = new F64Slab(10);
    const a = slab.alloc(6);
    const b = slab.alloc(6); // does not fit after a: a new chunk
    const c = slab.alloc(4); // fits after b
    const big = slab.alloc(25);
    expect(b.buf).not.toBe(a.buf);
    expect(c.buf).toBe(b.buf);
    expect(c.off).toBe(6);
    expect(big.buf.length).toBe(25);
    for (const r of [a, b, c]) expect(Array.from(r.buf.subarray(r.off, r.off + 4))).toEqual([0, 0, 0, 0]);
  });
});
