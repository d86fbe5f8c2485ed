import type { Catalogue, Status } from '../core/index.js';
import { describeAverage, describeFault, describeRate, describeThreshold, describeTrend } from './describe.js';
import { duration, withUnit } from './format.js';
import type { Lifecycle } from './lifecycle.js';
import { MinuteTrend } from './minute-trend.js';
import { RollingMean } from './rolling-mean.js';
import type { SeriesRules } from './rules-config.js';
import { CLEAR, CRITICAL, HOLD, Track, WARNING, type Level } from './track.js';

const DAY_MS = 86_400_000;

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

  readonly threshold?: Track;
  readonly average?: Track;
  readonly trend?: Track;
  readonly rate?: Track;
  readonly fault?: Track;
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
  ) {
    const r = rules;
    const mk = (rule: Track['rule'], forS: number, clearForS: number, describe: Track['describe']): Track =>
      new Track(station, zone, parameter, rule, forS * 1000, clearForS * 1000, describe);
    if (r.threshold.enabled && hasLimit) this.threshold = mk('threshold', r.threshold.forS, r.threshold.clearForS, describeThreshold(unit));
    if (r.average.enabled && hasLimit) {
      this.average = mk('average', r.average.forS, r.average.clearForS, describeAverage(unit, r.average.windowMin));
      this.rolling = new RollingMean(r.average.windowMin);
    }
    if (r.trend.enabled && hasLimit) {
      this.trend = mk('trend', r.trend.forS, r.trend.clearForS, describeTrend(unit));
      this.minutes = new MinuteTrend(r.trend.windowMin);
    }
    if (r.rate.enabled && r.rate.maxPerMin !== undefined) this.rate = mk('rate', r.rate.forS, r.rate.clearForS, describeRate(unit));
    if (r.sensorFault.enabled) this.fault = mk('sensor_fault', r.sensorFault.forS, r.sensorFault.clearForS, describeFault(unit));
  }

  get tracks(): Track[] {
    return [this.threshold, this.average, this.trend, this.rate, this.fault].filter((t): t is Track => t !== undefined);
  }

  /** One reading through every rule of the series. Allocation-free unless an alert changes. */
  evaluate(value: number, status: Status, ts: number, now: number, lc: Lifecycle): void {
    // Out of order or a resend (QoS 1 duplicates): stored by ingest, but rules only move forward.
    if (ts <= this.lastTs) return;
    this.lastTs = ts;
    const inRange = !(value < this.rangeMin || value > this.rangeMax);
    if (this.fault) this.evaluateFault(value, status, ts, inRange, lc);
    // Values flagged 01 (calibrating) or 02 (fault), and values outside the instrument's
    // range, never count toward compliance (DOMAIN.md, "Averages and data validity").
    if (status !== '00' || !inRange) return;
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.limitDay) this.refreshLimit(day);
    if (this.threshold) lc.step(this.threshold, this.thresholdLevel(value), ts);
    if (this.average) this.evaluateAverage(value, ts, lc);
    if (this.trend) this.evaluateTrend(value, ts, now, lc);
    if (this.rate) this.evaluateRate(value, ts, lc);
  }

  private refreshLimit(day: number): void {
    this.limitDay = day;
    const limit = this.catalogue.limitAt(this.station, this.parameter, new Date(day * DAY_MS));
    this.max = limit?.max ?? NaN;
    this.lower = limit?.lower ?? NaN;
    const twoSided = Number.isFinite(this.lower);
    const t = this.rules.threshold;
    const scale = twoSided ? this.max - this.lower : this.max;
    const margin = twoSided ? t.warnMargin ?? ((1 - t.warnFraction) * scale) / 2 : this.max * (1 - t.warnFraction);
    this.warnHi = twoSided ? this.max - margin : this.max * t.warnFraction;
    this.clearHi = this.warnHi - t.deadbandFraction * scale;
    this.warnLo = this.lower + margin;
    this.clearLo = this.warnLo + t.deadbandFraction * scale;
    const a = this.rules.average;
    this.avgClearHi = this.max - a.deadbandFraction * scale;
    this.avgClearLo = this.lower + a.deadbandFraction * scale;
  }

  private thresholdLevel(v: number): Level {
    const tr = this.threshold!;
    if (Number.isNaN(this.max)) return CLEAR;
    let level: Level = v > this.max ? CRITICAL : v >= this.warnHi ? WARNING : v < this.clearHi ? CLEAR : HOLD;
    if (level >= WARNING) {
      tr.value = v;
      tr.limit = this.max;
      tr.note = 'upper';
    }
    if (Number.isFinite(this.lower)) {
      const low: Level = v < this.lower ? CRITICAL : v <= this.warnLo ? WARNING : v > this.clearLo ? CLEAR : HOLD;
      if (low > level) {
        level = low;
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
    if (Number.isNaN(this.max)) return lc.step(this.average!, CLEAR, ts);
    // An invalid window proves nothing either way: hold the alert as it is.
    if (rm.validQuarters < this.rules.average.minQuarters) return lc.step(this.average!, HOLD, ts);
    const mean = rm.mean;
    const tr = this.average!;
    let level: Level = mean > this.max ? CRITICAL : mean < this.avgClearHi ? CLEAR : HOLD;
    if (level === CRITICAL) {
      tr.value = mean;
      tr.limit = this.max;
      tr.note = 'upper';
    }
    if (Number.isFinite(this.lower)) {
      const low: Level = mean < this.lower ? CRITICAL : mean > this.avgClearLo ? CLEAR : HOLD;
      if (low > level) {
        level = low;
        tr.value = mean;
        tr.limit = this.lower;
        tr.note = 'lower';
      }
    }
    lc.step(tr, level, ts);
  }

  private evaluateTrend(v: number, ts: number, now: number, lc: Lifecycle): void {
    const mt = this.minutes!;
    if (!mt.add(ts, v)) return;
    const tr = this.trend!;
    const cfg = this.rules.trend;
    // A forecast is about the future: data forwarded late (a gateway's backlog) feeds the line
    // but is not judged until it is recent, else a stored-and-forwarded hour would raise and
    // resolve forecasts that were over long ago.
    if (now - ts > cfg.windowMin * 60_000) return;
    // A line through a few minutes of noise can look steep and straight by chance: the fit needs
    // `minPoints` means spread over at least half the window.
    if (Number.isNaN(this.max) || mt.points < cfg.minPoints || mt.spanMin * 2 < cfg.windowMin || !Number.isFinite(mt.r2)) return lc.step(tr, CLEAR, ts);
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
        if (ahead <= horizonMs && mt.r2 >= cfg.minR2) {
          level = WARNING;
          tr.forecastAt = Math.max(at, ts);
          tr.value = mt.lastMean;
          tr.limit = bound;
          tr.note = rising ? 'upper' : 'lower';
        } else if (ahead <= 2 * horizonMs && mt.r2 >= cfg.minR2 - 0.1) level = HOLD;
      }
    }
    lc.step(tr, level, ts);
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
    const tr = this.rate!;
    let level: Level = HOLD;
    if (perMin > max) {
      level = WARNING;
      tr.value = perMin;
      tr.limit = max;
    } else if (perMin <= max * (1 - this.rules.rate.deadbandFraction)) level = CLEAR;
    lc.step(tr, level, ts);
  }

  private evaluateFault(v: number, status: Status, ts: number, inRange: boolean, lc: Lifecycle): void {
    const cfg = this.rules.sensorFault;
    const tr = this.fault!;
    let cause = '';
    if (status === '02') {
      if (Number.isNaN(this.status02Since)) this.status02Since = ts;
      if (ts - this.status02Since >= cfg.status02Min * 60_000) cause = `device fault (status 02) for ${duration(ts - this.status02Since)}`;
    } else this.status02Since = NaN;
    if (cfg.flatlineCount > 0 && status === '00') {
      if (v === this.flatValue) this.flatCount += 1;
      else {
        this.flatValue = v;
        this.flatCount = 1;
      }
      if (this.flatCount >= cfg.flatlineCount && cause === '') cause = `flatline: ${this.flatCount} identical values (${withUnit(v, this.unit)})`;
    } else if (status !== '00') {
      this.flatValue = NaN;
      this.flatCount = 0;
    }
    if (cfg.checkRange && !inRange && cause === '') cause = `${withUnit(v, this.unit)} outside the instrument's range ${this.rangeMin} to ${this.rangeMax}`;
    if (cause !== '') {
      tr.value = v;
      tr.note = cause;
      lc.step(tr, WARNING, ts);
    } else lc.step(tr, CLEAR, ts);
  }
}
