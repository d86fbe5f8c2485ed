/**
 * A rolling mean over the last `windowMin` minutes in one-minute buckets, with the validity rule
 * of DOMAIN.md ("a valid hour needs values in at least 3 of its 4 quarter-hours", US 40 CFR
 * 60.13 style): the window is split into four quarters ending at the current minute.
 *
 * Work per value is O(1) amortised: the running sum and count move with each value, expired
 * buckets are cleared once as time passes them, and the quarters are recounted only when the
 * minute changes (O(window) once a minute, not per value).
 */
export class RollingMean {
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly minutes: Float64Array;
  /** Start offset of each quarter within the window, and one past the last. */
  private readonly offsets: number[];
  /** Minutes holding data per quarter of the window ending at the current minute. */
  private readonly quarterMinutes = [0, 0, 0, 0];
  private sum = 0;
  private count = 0;
  private minute = -Infinity;

  constructor(readonly windowMin: number) {
    this.sums = new Float64Array(windowMin);
    this.counts = new Float64Array(windowMin);
    this.minutes = new Float64Array(windowMin).fill(-1);
    this.offsets = [0, 1, 2, 3, 4].map((q) => Math.floor((q * windowMin) / 4));
  }

  /** Adds a value measured at `ts` (epoch ms, never earlier than the previous one). */
  add(ts: number, value: number): void {
    const m = Math.floor(ts / 60_000);
    if (m !== this.minute) this.advance(m);
    const slot = m % this.windowMin;
    if (this.counts[slot] === 0) this.quarterMinutes[3]! += 1;
    this.sums[slot]! += value;
    this.counts[slot]! += 1;
    this.sum += value;
    this.count += 1;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /** Quarters of the window holding at least one value (0 to 4). */
  get validQuarters(): number {
    const q = this.quarterMinutes;
    return (q[0]! > 0 ? 1 : 0) + (q[1]! > 0 ? 1 : 0) + (q[2]! > 0 ? 1 : 0) + (q[3]! > 0 ? 1 : 0);
  }

  get samples(): number {
    return this.count;
  }

  private has(k: number): number {
    const slot = k % this.windowMin;
    return this.minutes[slot] === k && this.counts[slot]! > 0 ? 1 : 0;
  }

  private advance(m: number): void {
    const w = this.windowMin;
    if (this.minute === -Infinity || m - this.minute >= w) {
      this.sums.fill(0);
      this.counts.fill(0);
      this.minutes.fill(-1);
      this.sum = 0;
      this.count = 0;
      this.quarterMinutes.fill(0);
    } else {
      // Step the window a minute at a time: each quarter loses its oldest minute and gains the
      // one after its end (8 look-ups), then the minute leaving the window is cleared.
      for (let k = this.minute + 1; k <= m; k++) {
        const start = k - w; // the window ending at k - 1 starts at k - w
        for (let q = 0; q < 4; q++) {
          this.quarterMinutes[q]! += this.has(start + this.offsets[q + 1]!) - this.has(start + this.offsets[q]!);
        }
        const slot = k % w;
        if (this.minutes[slot] !== k) {
          this.sum -= this.sums[slot]!;
          this.count -= this.counts[slot]!;
          this.sums[slot] = 0;
          this.counts[slot] = 0;
          this.minutes[slot] = k;
        }
      }
      if (this.count <= 0) {
        this.sum = 0;
        this.count = 0;
      }
    }
    this.minutes[m % w] = m;
    this.minute = m;
  }
}
