import type { Alert, Severity } from '../core/index.js';
import { CRITICAL, type Level, type Track } from './track.js';

export const severityOf = (level: Level): Severity => (level === CRITICAL ? 'critical' : 'warning');

/** A new alert record for the track, as its rule describes it now (built when an alert appears, never per reading). */
export function makeAlert(track: Track, level: Level, t: number, state: Alert['state'], silenced: boolean): Alert {
  const d = track.describe(track);
  const alert: Alert = {
    id: track.id,
    station: track.station,
    zone: track.zone,
    parameter: track.parameter,
    rule: track.rule,
    severity: severityOf(level),
    state,
    message: d.message,
    code: d.code,
    params: d.params,
    since: track.since,
    updatedAt: t,
  };
  if (d.value !== undefined && Number.isFinite(d.value)) alert.value = d.value;
  if (d.limit !== undefined && Number.isFinite(d.limit)) alert.limit = d.limit;
  if (d.unit !== undefined) alert.unit = d.unit;
  if (d.forecastAt !== undefined && Number.isFinite(d.forecastAt)) alert.forecastAt = d.forecastAt;
  if (silenced) alert.silenced = true;
  return alert;
}

/** Brings an open alert's text and figures up to date (on escalation). */
export function refreshAlert(alert: Alert, track: Track, t: number): void {
  const d = track.describe(track);
  alert.message = d.message;
  alert.code = d.code;
  alert.params = d.params;
  if (d.value !== undefined && Number.isFinite(d.value)) alert.value = d.value;
  if (d.limit !== undefined && Number.isFinite(d.limit)) alert.limit = d.limit;
  if (d.forecastAt !== undefined && Number.isFinite(d.forecastAt)) alert.forecastAt = d.forecastAt;
  alert.updatedAt = t;
}

/**
 * Records a transition of the track's alert at `t`; true when it now flaps: more than
 * `maxTransitions` within `windowMs`. Bounded: only the last N + 1 times matter for "more than N".
 */
export function recordTransition(track: Track, t: number, windowMs: number, maxTransitions: number): boolean {
  const flaps = (track.flaps ??= []);
  flaps.push(t);
  while (flaps.length > 0 && flaps[0]! <= t - windowMs) flaps.shift();
  if (flaps.length > maxTransitions + 1) flaps.splice(0, flaps.length - maxTransitions - 1);
  return flaps.length > maxTransitions;
}
