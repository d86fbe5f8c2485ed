import { OWN_BUFFER, type Slab } from './slab.js';

/**
 * One-minute means of a series and a least-squares line through the last `windowMin` of them
 * (rule 3, trend forecast). A value costs O(1); the line is refitted only when a minute
 * completes, over at most `windowMin` points, so the cost per value stays O(1) amortised.
 */
export class MinuteTrend {
  /** Point `i` of the ring is at `off + i * 2`: its minute, then its mean (buffer from a slab, alerts/slab.ts). */
  private readonly buf: Float64Array;
  private readonly off: number;
  private head = 0;
  private size = 0;
  private curMinute = -Infinity;
  private curSum = 0;
  private curCount = 0;

  /** Results of the last fit (NaN when there were too few points or no variation). */
  slopePerMin = NaN;
  /** Fitted value at the middle of the last completed minute. */
  fitted = NaN;
  r2 = NaN;
  points = 0;
  /** Minutes from the oldest to the newest point of the fit. */
  spanMin = 0;
  /** Mean of the last completed minute and its minute index. */
  lastMean = NaN;
  lastMinute = NaN;

  constructor(
    readonly windowMin: number,
    slab: Slab = OWN_BUFFER,
  ) {
    ({ buf: this.buf, off: this.off } = slab.alloc(windowMin * 2));
  }

  /** Adds a value; true when this value closed a minute and the line was refitted. */
  add(ts: number, value: number): boolean {
    const m = Math.floor(ts / 60_000);
    if (m === this.curMinute) {
      this.curSum += value;
      this.curCount += 1;
      return false;
    }
    let fitted = false;
    if (this.curCount > 0) {
      this.push(this.curMinute, this.curSum / this.curCount);
      this.fit();
      fitted = true;
    }
    this.curMinute = m;
    this.curSum = value;
    this.curCount = 1;
    return fitted;
  }

  /** When the line reaches `level`, epoch ms; NaN when it never does going forward. */
  crossingAt(level: number): number {
    if (!Number.isFinite(this.slopePerMin) || this.slopePerMin === 0) return NaN;
    const minutes = (level - this.fitted) / this.slopePerMin;
    return (this.lastMinute + 0.5 + minutes) * 60_000;
  }

  private push(x: number, y: number): void {
    const cap = this.windowMin;
    const at = (this.head + this.size) % cap;
    this.buf[this.off + at * 2] = x;
    this.buf[this.off + at * 2 + 1] = y;
    if (this.size < cap) this.size += 1;
    else this.head = (this.head + 1) % cap;
    this.lastMean = y;
    this.lastMinute = x;
  }

  private fit(): void {
    const cap = this.windowMin;
    const oldest = this.lastMinute - this.windowMin + 1;
    // One pass of plain sums; x relative to the last minute and y relative to the last mean keep
    // them small, so the differences below lose no precision that matters (30 points at most).
    const y0 = this.lastMean;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    let first = Infinity;
    for (let i = 0; i < this.size; i++) {
      const k = (this.head + i) % cap;
      const xm = this.buf[this.off + k * 2]!;
      if (xm < oldest) continue;
      if (xm < first) first = xm;
      const x = xm - this.lastMinute;
      const y = this.buf[this.off + k * 2 + 1]! - y0;
      n += 1;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
    }
    this.points = n;
    this.spanMin = n > 0 ? this.lastMinute - first : 0;
    if (n < 2) {
      this.slopePerMin = this.r2 = this.fitted = NaN;
      return;
    }
    const mx = sx / n;
    const my = sy / n;
    const vxx = sxx - n * mx * mx;
    const vxy = sxy - n * mx * my;
    const vyy = syy - n * my * my;
    if (vxx <= 0 || vyy <= 1e-12 * (syy + 1e-300)) {
      this.slopePerMin = this.r2 = this.fitted = NaN;
      return;
    }
    this.slopePerMin = vxy / vxx;
    this.r2 = Math.min(1, (vxy * vxy) / (vxx * vyy));
    // At x = 0 (the last minute): intercept = my - slope * mx, back in the series' units.
    this.fitted = y0 + my - this.slopePerMin * mx;
  }
}
