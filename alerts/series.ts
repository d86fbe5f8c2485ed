import type { Catalogue, Status } from '../core/index.js';
import { describeAverage, describeFault, describeRate, describeThreshold, describeTrend } from './describe.js';
import type { Lifecycle } from './lifecycle.js';
import { MinuteTrend } from './minute-trend.js';
import { RollingMean } from './rolling-mean.js';
import type { SeriesRules } from './rules-config.js';
import { OWN_BUFFER, type Slab } from './slab.js';
import { CLEAR, CRITICAL, HOLD, Track, WARNING, type Level } from './track.js';

const DAY_MS = 86_400_000;

export type SeriesRule = 'threshold' | 'average' | 'trend' | 'rate' | 'sensor_fault';
const RULE_BITS: Record<SeriesRule, number> = { threshold: 1, average: 2, trend: 4, rate: 8, sensor_fault: 16 };
export const isSeriesRule = (rule: string | undefined): rule is SeriesRule => rule !== undefined && Object.hasOwn(RULE_BITS, rule);

/** One evaluation: a track that does not exist yet is idle, and an idle track below WARNING does nothing. */
function step(lc: Lifecycle, tr: Track | undefined, level: Level, ts: number): void {
  if (tr) lc.step(tr, level, ts);
}

/**
 * Everything the rules keep for one (station, parameter): windows, the limit in force and one
 * Track per rule. Created once per series; evaluating a reading touches only these fields.
 */
export class Series {
  lastTs = -Infinity;
  // The limit in force, resolved once per UTC day (catalogue.limitAt is too costly per reading).
  private limitDay = NaN;
  max = NaN;
  lower = NaN;
  private warnHi = NaN;
  private clearHi = NaN;
  private warnLo = NaN;
  private clearLo = NaN;
  private avgClearHi = NaN;
  private avgClearLo = NaN;

  // One Track per rule that is on, made the first time the rule warns: most series never
  // alert, and an idle track below WARNING does nothing (lifecycle.step), so it need not exist.
  private threshold?: Track;
  private average?: Track;
  private trend?: Track;
  private rate?: Track;
  private fault?: Track;
  /** Which rules are on (bits of RULE_BITS). */
  private readonly on: number;
  private readonly rolling?: RollingMean;
  private readonly minutes?: MinuteTrend;

  private prevValue = NaN;
  private prevTs = NaN;
  private status02Since = NaN;
  private flatValue = NaN;
  private flatCount = 0;

  constructor(
    readonly station: string,
    readonly zone: string,
    readonly parameter: string,
    readonly unit: string,
    private readonly rangeMin: number,
    private readonly rangeMax: number,
    readonly rules: SeriesRules,
    private readonly catalogue: Catalogue,
    /** Whether the catalogue has any limit for this series (else the limit-based rules stay off). */
    hasLimit = true,
    /** Where the windows' buckets live (one slab per engine). */
    slab: Slab = OWN_BUFFER,
  ) {
    const r = rules;
    let on = 0;
    if (r.threshold.enabled && hasLimit) on |= RULE_BITS.threshold;
    if (r.average.enabled && hasLimit) {
      on |= RULE_BITS.average;
      this.rolling = new RollingMean(r.average.windowMin, slab);
    }
    if (r.trend.enabled && hasLimit) {
      on |= RULE_BITS.trend;
      this.minutes = new MinuteTrend(r.trend.windowMin, slab);
    }
    if (r.rate.enabled && r.rate.maxPerMin !== undefined) on |= RULE_BITS.rate;
    if (r.sensorFault.enabled) on |= RULE_BITS.sensor_fault;
    this.on = on;
  }

  /** The track of a rule that is on, made if it does not exist yet; undefined for a rule that is off. */
  track(rule: SeriesRule): Track | undefined {
    const existing =
      rule === 'threshold'
        ? this.threshold
        : rule === 'average'
          ? this.average
          : rule === 'trend'
            ? this.trend
            : rule === 'rate'
              ? this.rate
              : this.fault;
    if (existing || (this.on & RULE_BITS[rule]) === 0) return existing;
    const r = this.rules;
    const u = this.unit;
    const mk = (cfg: { forS: number; clearForS: number }, describe: Track['describe']): Track =>
      new Track(this.station, this.zone, this.parameter, rule, cfg.forS * 1000, cfg.clearForS * 1000, describe);
    switch (rule) {
      case 'threshold':
        return (this.threshold = mk(r.threshold, describeThreshold(u)));
      case 'average':
        return (this.average = mk(r.average, describeAverage(u, r.average.windowMin)));
      case 'trend':
        return (this.trend = mk(r.trend, describeTrend(u)));
      case 'rate':
        return (this.rate = mk(r.rate, describeRate(u)));
      case 'sensor_fault':
        return (this.fault = mk(r.sensorFault, describeFault(u, this.rangeMin, this.rangeMax)));
    }
  }

  /** One reading through every rule of the series. Allocation-free unless an alert changes. */
  evaluate(value: number, status: Status, ts: number, now: number, lc: Lifecycle): void {
    // Out of order or a resend (QoS 1 duplicates): stored by ingest, but rules only move forward.
    if (ts <= this.lastTs) return;
    this.lastTs = ts;
    const inRange = !(value < this.rangeMin || value > this.rangeMax);
    const on = this.on;
    if (on & RULE_BITS.sensor_fault) this.evaluateFault(value, status, ts, inRange, lc);
    // Values flagged 01 (calibrating) or 02 (fault), and values outside the instrument's
    // range, never count toward compliance (docs/DOMAIN.md, "Averages and data validity").
    if (status !== '00' || !inRange) return;
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.limitDay) this.refreshLimit(day);
    if (on & RULE_BITS.threshold) {
      // Two statements on purpose: thresholdLevel makes the track when it warns, so the track
      // must be read after it (read first, the first warning would step nothing).
      const level = this.thresholdLevel(value);
      step(lc, this.threshold, level, ts);
    }
    if (on & RULE_BITS.average) this.evaluateAverage(value, ts, lc);
    if (on & RULE_BITS.trend) this.evaluateTrend(value, ts, now, lc);
    if (on & RULE_BITS.rate) this.evaluateRate(value, ts, lc);
  }

  private refreshLimit(day: number): void {
    this.limitDay = day;
    const limit = this.catalogue.limitAt(this.station, this.parameter, new Date(day * DAY_MS));
    this.max = limit?.max ?? NaN;
    this.lower = limit?.lower ?? NaN;
    const twoSided = Number.isFinite(this.lower);
    const t = this.rules.threshold;
    const scale = twoSided ? this.max - this.lower : this.max;
    const margin = twoSided ? (t.warnMargin ?? ((1 - t.warnFraction) * scale) / 2) : this.max * (1 - t.warnFraction);
    this.warnHi = twoSided ? this.max - margin : this.max * t.warnFraction;
    this.clearHi = this.warnHi - t.deadbandFraction * scale;
    this.warnLo = this.lower + margin;
    this.clearLo = this.warnLo + t.deadbandFraction * scale;
    const a = this.rules.average;
    this.avgClearHi = this.max - a.deadbandFraction * scale;
    this.avgClearLo = this.lower + a.deadbandFraction * scale;
  }

  /** The threshold rule's level; at WARNING or above, the track exists and holds what it saw. */
  private thresholdLevel(v: number): Level {
    if (Number.isNaN(this.max)) return CLEAR;
    let level: Level = v > this.max ? CRITICAL : v >= this.warnHi ? WARNING : v < this.clearHi ? CLEAR : HOLD;
    if (level >= WARNING) {
      const tr = this.track('threshold')!;
      tr.value = v;
      tr.limit = this.max;
      tr.note = 'upper';
    }
    if (Number.isFinite(this.lower)) {
      const low: Level = v < this.lower ? CRITICAL : v <= this.warnLo ? WARNING : v > this.clearLo ? CLEAR : HOLD;
      if (low > level) {
        level = low;
        const tr = this.track('threshold')!;
        tr.value = v;
        tr.limit = this.lower;
        tr.note = 'lower';
      }
    }
    return level;
  }

  private evaluateAverage(v: number, ts: number, lc: Lifecycle): void {
    const rm = this.rolling!;
    rm.add(ts, v);
    if (Number.isNaN(this.max)) return step(lc, this.average, CLEAR, ts);
    // An invalid window proves nothing either way: hold the alert as it is.
    if (rm.validQuarters < this.rules.average.minQuarters) return step(lc, this.average, HOLD, ts);
    const mean = rm.mean;
    let level: Level = mean > this.max ? CRITICAL : mean < this.avgClearHi ? CLEAR : HOLD;
    if (level === CRITICAL) {
      const tr = this.track('average')!;
      tr.value = mean;
      tr.limit = this.max;
      tr.note = 'upper';
    }
    if (Number.isFinite(this.lower)) {
      const low: Level = mean < this.lower ? CRITICAL : mean > this.avgClearLo ? CLEAR : HOLD;
      if (low > level) {
        level = low;
        const tr = this.track('average')!;
        tr.value = mean;
        tr.limit = this.lower;
        tr.note = 'lower';
      }
    }
    step(lc, this.average, level, ts);
  }

  private evaluateTrend(v: number, ts: number, now: number, lc: Lifecycle): void {
    const mt = this.minutes!;
    if (!mt.add(ts, v)) return;
    const cfg = this.rules.trend;
    // A forecast is about the future: data forwarded late (a gateway's backlog) feeds the line
    // but is not judged until it is recent, else a stored-and-forwarded hour would raise and
    // resolve forecasts that were over long ago.
    if (now - ts > cfg.windowMin * 60_000) return;
    // A line through a few minutes of noise can look steep and straight by chance: the fit needs
    // `minPoints` means spread over at least half the window.
    if (Number.isNaN(this.max) || mt.points < cfg.minPoints || mt.spanMin * 2 < cfg.windowMin || !Number.isFinite(mt.r2))
      return step(lc, this.trend, CLEAR, ts);
    const horizonMs = cfg.horizonMin * 60_000;
    let level: Level = CLEAR;
    const rising = mt.slopePerMin > 0;
    const bound = rising ? this.max : this.lower;
    if (Number.isFinite(bound)) {
      const below = rising ? mt.lastMean <= bound : mt.lastMean >= bound;
      if (!below) {
        // Already past the limit: the threshold and average rules speak now; hold the forecast.
        level = HOLD;
      } else {
        const at = mt.crossingAt(bound);
        const ahead = at - ts;
        // A line that crossed the limit already while the values are back below it is a step
        // that came and went (a spill's end), not a forecast: nothing to warn of.
        if (ahead <= 0) level = CLEAR;
        else if (ahead <= horizonMs && mt.r2 >= cfg.minR2) {
          level = WARNING;
          const tr = this.track('trend')!;
          tr.forecastAt = at;
          tr.value = mt.lastMean;
          tr.limit = bound;
          tr.note = rising ? 'upper' : 'lower';
        } else if (ahead <= 2 * horizonMs && mt.r2 >= cfg.minR2 - 0.1) level = HOLD;
      }
    }
    step(lc, this.trend, level, ts);
  }

  private evaluateRate(v: number, ts: number, lc: Lifecycle): void {
    if (Number.isNaN(this.prevValue)) {
      this.prevValue = v;
      this.prevTs = ts;
      return;
    }
    const span = ts - this.prevTs;
    if (span < this.rules.rate.minSpanS * 1000) return;
    const perMin = Math.abs(v - this.prevValue) / (span / 60_000);
    this.prevValue = v;
    this.prevTs = ts;
    const max = this.rules.rate.maxPerMin!;
    let level: Level = HOLD;
    if (perMin > max) {
      level = WARNING;
      const tr = this.track('rate')!;
      tr.value = perMin;
      tr.limit = max;
    } else if (perMin <= max * (1 - this.rules.rate.deadbandFraction)) level = CLEAR;
    step(lc, this.rate, level, ts);
  }

  private evaluateFault(v: number, status: Status, ts: number, inRange: boolean, lc: Lifecycle): void {
    const cfg = this.rules.sensorFault;
    // The kind of fault and its extent, for the text (describe.ts): no string is built per reading.
    let cause = '';
    if (status === '02') {
      if (Number.isNaN(this.status02Since)) this.status02Since = ts;
      if (ts - this.status02Since >= cfg.status02Min * 60_000) cause = 'device';
    } else this.status02Since = NaN;
    if (cfg.flatlineCount > 0 && status === '00') {
      if (v === this.flatValue) this.flatCount += 1;
      else {
        this.flatValue = v;
        this.flatCount = 1;
      }
      if (this.flatCount >= cfg.flatlineCount && cause === '') cause = 'flatline';
    } else if (status !== '00') {
      this.flatValue = NaN;
      this.flatCount = 0;
    }
    if (cfg.checkRange && !inRange && cause === '') cause = 'range';
    if (cause !== '') {
      const tr = this.track('sensor_fault')!;
      tr.value = v;
      tr.note = cause;
      tr.extent = cause === 'device' ? ts - this.status02Since : cause === 'flatline' ? this.flatCount : NaN;
      lc.step(tr, WARNING, ts);
    } else step(lc, this.fault, CLEAR, ts);
  }
}
