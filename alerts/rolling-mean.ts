import { OWN_BUFFER, type Slab } from './slab.js';

/** Start of each quarter of a window of `w` minutes, and one past the last; shared by every window of that length. */
const quarterOffsets = new Map<number, Int32Array>();
const offsetsFor = (w: number): Int32Array => {
  let o = quarterOffsets.get(w);
  if (!o) quarterOffsets.set(w, (o = Int32Array.from([0, 1, 2, 3, 4], (q) => Math.floor((q * w) / 4))));
  return o;
};

/**
 * A rolling mean over the last `windowMin` minutes in one-minute buckets, with the validity rule
 * of docs/DOMAIN.md ("a valid hour needs values in at least 3 of its 4 quarter-hours", US 40 CFR
 * 60.13 style): the window is split into four quarters ending at the current minute.
 *
 * Work per value is O(1) amortised: the running sum and count move with each value, expired
 * buckets are cleared once as time passes them, and the quarters are recounted only when the
 * minute changes (O(window) once a minute, not per value).
 *
 * One of these lives per series for the life of the process, so it is kept small: the buckets
 * sit in a shared slab (alerts/slab.ts) and the counters are plain small-integer fields.
 */
export class RollingMean {
  /** Bucket `slot` is at `off + slot * 3`: its sum, its count, and the minute it holds (-1 for none). */
  private readonly buf: Float64Array;
  private readonly off: number;
  private readonly offsets: Int32Array;
  /** Minutes holding data per quarter of the window ending at the current minute. */
  private q0 = 0;
  private q1 = 0;
  private q2 = 0;
  private q3 = 0;
  private sum = 0;
  private count = 0;
  private minute = -Infinity;

  constructor(
    readonly windowMin: number,
    slab: Slab = OWN_BUFFER,
  ) {
    ({ buf: this.buf, off: this.off } = slab.alloc(windowMin * 3));
    this.offsets = offsetsFor(windowMin);
    this.reset();
  }

  /** Adds a value measured at `ts` (epoch ms, never earlier than the previous one). */
  add(ts: number, value: number): void {
    const m = Math.floor(ts / 60_000);
    if (m !== this.minute) this.advance(m);
    const at = this.at(m);
    const b = this.buf;
    if (b[at + 1] === 0) this.q3 += 1;
    b[at]! += value;
    b[at + 1]! += 1;
    this.sum += value;
    this.count += 1;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /** Quarters of the window holding at least one value (0 to 4). */
  get validQuarters(): number {
    return (this.q0 > 0 ? 1 : 0) + (this.q1 > 0 ? 1 : 0) + (this.q2 > 0 ? 1 : 0) + (this.q3 > 0 ? 1 : 0);
  }

  get samples(): number {
    return this.count;
  }

  /**
   * Where minute `k`'s bucket starts. The modulo is made non-negative: the slab is shared, so a
   * minute before 1970 (which validation never lets through) must not reach a neighbour's window.
   */
  private at(k: number): number {
    const w = this.windowMin;
    return this.off + (((k % w) + w) % w) * 3;
  }

  private has(k: number): number {
    const at = this.at(k);
    return this.buf[at + 2] === k && this.buf[at + 1]! > 0 ? 1 : 0;
  }

  private reset(): void {
    const b = this.buf;
    for (let at = this.off, end = this.off + this.windowMin * 3; at < end; at += 3) {
      b[at] = 0;
      b[at + 1] = 0;
      b[at + 2] = -1;
    }
    this.sum = 0;
    this.count = 0;
    this.q0 = this.q1 = this.q2 = this.q3 = 0;
  }

  private advance(m: number): void {
    const w = this.windowMin;
    const b = this.buf;
    const o = this.offsets;
    if (this.minute === -Infinity || m - this.minute >= w) this.reset();
    else {
      // Step the window a minute at a time: each quarter loses its oldest minute and gains the
      // one after its end (8 look-ups), then the minute leaving the window is cleared.
      for (let k = this.minute + 1; k <= m; k++) {
        const start = k - w; // the window ending at k - 1 starts at k - w
        this.q0 += this.has(start + o[1]!) - this.has(start + o[0]!);
        this.q1 += this.has(start + o[2]!) - this.has(start + o[1]!);
        this.q2 += this.has(start + o[3]!) - this.has(start + o[2]!);
        this.q3 += this.has(start + o[4]!) - this.has(start + o[3]!);
        const at = this.at(k);
        if (b[at + 2] !== k) {
          this.sum -= b[at]!;
          this.count -= b[at + 1]!;
          b[at] = 0;
          b[at + 1] = 0;
          b[at + 2] = k;
        }
      }
      if (this.count <= 0) {
        this.sum = 0;
        this.count = 0;
      }
    }
    b[this.at(m) + 2] = m;
    this.minute = m;
  }
}
