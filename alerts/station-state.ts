import type { Catalogue, Presence, Station } from '../core/index.js';
import { describeStale } from './describe.js';
import type { Lifecycle } from './lifecycle.js';
import type { Rules, StaleRules } from './rules-config.js';
import { Series } from './series.js';
import { OWN_BUFFER, type Slab } from './slab.js';
import { CLEAR, CRITICAL, IDLE, Track, WARNING, type Level } from './track.js';

/**
 * All alert state of one station (docs/ARCHITECTURE.md, "Scaling out": keyed by station so a
 * station's state can move to another node and be rebuilt from InfluxDB there).
 */
export class StationState {
  readonly series = new Map<string, Series>();
  readonly stale?: Track;
  private readonly staleRules: StaleRules;
  private readonly silentAfterMs: number;
  /** Wall clock of the last reading received (or of the engine's start: no data at all counts too). */
  lastSeenAt: number;
  /** Wall clock of the will that made it offline; NaN while not offline by will. */
  offlineSince = NaN;

  constructor(
    readonly station: Station,
    readonly zone: string,
    catalogue: Catalogue,
    rules: Rules,
    now: number,
    slab: Slab = OWN_BUFFER,
  ) {
    this.lastSeenAt = now;
    this.staleRules = rules.stale(station.id);
    // Rule 5: silent for longer than max(3 x its interval, a configured floor).
    this.silentAfterMs = Math.max(this.staleRules.factor * station.intervalS, this.staleRules.floorS) * 1000;
    if (this.staleRules.enabled) this.stale = new Track(station.id, zone, '*', 'stale', 0, 0, describeStale(station.intervalS));
    for (const p of station.parameters) {
      const hasLimit = station.limits.some((l) => l.parameter === p.parameter);
      this.series.set(
        p.parameter,
        new Series(
          station.id,
          zone,
          p.parameter,
          p.unit,
          p.rangeMin ?? -Infinity,
          p.rangeMax ?? Infinity,
          rules.series(station.id, p.parameter),
          catalogue,
          hasLimit,
          slab,
        ),
      );
    }
  }

  /** Judged on the wall clock, so it fires with no data at all (Kapacitor's state rules cannot). */
  checkStale(now: number, lc: Lifecycle): void {
    const tr = this.stale;
    if (!tr) return;
    const silent = now - this.lastSeenAt;
    let level: Level = CLEAR;
    const byWill = now - this.offlineSince >= this.staleRules.willGraceS * 1000;
    if (silent > this.staleRules.criticalAfterS * 1000 && silent > this.silentAfterMs) level = CRITICAL;
    else if (silent > this.silentAfterMs || byWill) level = WARNING;
    if (level >= WARNING) {
      tr.value = silent;
      tr.note = byWill && silent <= this.silentAfterMs ? 'will' : '';
    }
    lc.step(tr, level, now);
  }

  /**
   * Rule 5: offline by its will (the broker saw the connection die) fires at once. A clean
   * "offline" status or DISCONNECT is left to the silence timer: many loggers connect, push and
   * disconnect every cycle, and that is no interruption.
   */
  onPresence(p: Presence, now: number, lc: Lifecycle): void {
    if (p.state === 'offline' && p.reason === 'will') {
      if (Number.isNaN(this.offlineSince)) this.offlineSince = now;
    } else if (p.state === 'online') this.offlineSince = NaN;
    else return;
    this.checkStale(now, lc);
  }

  /** Data arrived: transmission is back. */
  seen(now: number, lc: Lifecycle): void {
    this.lastSeenAt = now;
    this.offlineSince = NaN;
    if (this.stale && this.stale.phase !== IDLE) lc.step(this.stale, CLEAR, now);
  }
}
