import type { Alert, AlertParams, AlertRule } from '../core/index.js';

/** A rule's verdict on one evaluation. HOLD is the hysteresis band: neither raising nor clearing. */
export const CLEAR = 0;
export const HOLD = 1;
export const WARNING = 2;
export const CRITICAL = 3;
export type Level = typeof CLEAR | typeof HOLD | typeof WARNING | typeof CRITICAL;

export const IDLE = 0;
export const PENDING = 1;
export const OPEN = 2;

/** What a rule says about its alert when it is raised or escalated (built only then, never per reading). */
export interface Detail {
  /** English, from the code (core/alert-text.ts). */
  message: string;
  code: string;
  params: AlertParams;
  value?: number;
  limit?: number;
  unit?: string;
  forecastAt?: number;
}

/**
 * The one place an alert for (station, parameter, rule) lives: one Track per triple, created
 * once, so a second alert for the same triple cannot exist (ThingsBoard's duplicate alarms
 * under concurrency are impossible by construction). Numbers are plain fields so that
 * evaluating a reading allocates nothing unless the alert changes.
 */
export class Track {
  /** Made on first use (an alert opens): most tracks never need theirs. */
  private key: string | undefined;
  phase: typeof IDLE | typeof PENDING | typeof OPEN = IDLE;
  /** Rule time (measurement time for reading rules, wall clock for stale and backlog). */
  since = 0;
  critSince = NaN;
  clearSince = NaN;
  alert: Alert | undefined;
  /** Times of recent transitions (raised, resolved), for flapping. */
  flaps: number[] | undefined;
  /** Wall clock: last event emitted (events of one alert get strictly increasing times), when it fired, last notified. */
  lastEventAt = 0;
  openedAt = NaN;
  notifiedAt = NaN;
  routeEscalated = false;
  /** Scratch written by the rule before `step`, read by `describe`. */
  value = NaN;
  limit = NaN;
  forecastAt = NaN;
  /** A duration (ms) or a count the text needs: how long status 02 lasted, how many identical values. */
  extent = NaN;
  note = '';

  constructor(
    readonly station: string,
    readonly zone: string,
    readonly parameter: string,
    readonly rule: AlertRule,
    public forMs: number,
    public clearForMs: number,
    readonly describe: (track: Track) => Detail,
  ) {}

  get id(): string {
    return (this.key ??= `${this.station}|${this.parameter}|${this.rule}`);
  }
}
