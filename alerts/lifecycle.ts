import type { Alert, AlertEventType, Severity } from '../core/index.js';
import type { FlappingRules } from './rules-config.js';
import { CRITICAL, HOLD, IDLE, OPEN, PENDING, WARNING, type Level, type Track } from './track.js';

export interface LifecycleOptions {
  flapping: FlappingRules;
  /** Whether a maintenance window covers this station (and parameter) now. */
  isSilenced(station: string, parameter: string): boolean;
  /** An event happened to the track's alert (the alert already changed). */
  emit(type: AlertEventType, track: Track): void;
  /** The track became visible (pending or open) or stopped being so. */
  opened(track: Track): void;
  closed(track: Track): void;
}

export interface Lifecycle {
  /** One evaluation of a rule at rule time `t`. Allocates nothing unless the alert changes. */
  step(track: Track, level: Level, t: number): void;
  /** Marks an open alert acknowledged; false when it is not firing or acknowledged. */
  acknowledge(track: Track, by: string, note: string | undefined, now: number): boolean;
}

const severityOf = (level: Level): Severity => (level === CRITICAL ? 'critical' : 'warning');

/**
 * The alert lifecycle of the issue: pending (must hold for `for`) -> firing -> acknowledged ->
 * resolved once clear (below the limit minus a deadband: the rule says CLEAR, not HOLD) for
 * `clearFor`. Escalation from warning to critical updates the same alert. More than N
 * transitions in M minutes makes the alert flapping: it stays open, one `flapping` event is
 * sent, and it resolves only after being clear for the whole flapping window.
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const flapWindowMs = options.flapping.windowMin * 60_000;
  const maxTransitions = options.flapping.maxTransitions;

  /** Records a transition; true when the alert now flaps (more than N in the window). */
  const transition = (track: Track, t: number): boolean => {
    const flaps = (track.flaps ??= []);
    flaps.push(t);
    while (flaps.length > 0 && flaps[0]! <= t - flapWindowMs) flaps.shift();
    // Bounded: only the last N + 1 matter for "more than N".
    if (flaps.length > maxTransitions + 1) flaps.splice(0, flaps.length - maxTransitions - 1);
    return flaps.length > maxTransitions;
  };

  const makeAlert = (track: Track, level: Level, t: number, state: Alert['state']): Alert => {
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
      since: track.since,
      updatedAt: t,
    };
    if (d.value !== undefined && Number.isFinite(d.value)) alert.value = d.value;
    if (d.limit !== undefined && Number.isFinite(d.limit)) alert.limit = d.limit;
    if (d.unit !== undefined) alert.unit = d.unit;
    if (d.forecastAt !== undefined && Number.isFinite(d.forecastAt)) alert.forecastAt = d.forecastAt;
    if (options.isSilenced(track.station, track.parameter)) alert.silenced = true;
    return alert;
  };

  const refresh = (alert: Alert, track: Track, t: number): void => {
    const d = track.describe(track);
    alert.message = d.message;
    if (d.value !== undefined && Number.isFinite(d.value)) alert.value = d.value;
    if (d.limit !== undefined && Number.isFinite(d.limit)) alert.limit = d.limit;
    if (d.forecastAt !== undefined && Number.isFinite(d.forecastAt)) alert.forecastAt = d.forecastAt;
    alert.updatedAt = t;
  };

  const raise = (track: Track, level: Level, t: number): void => {
    const flapping = transition(track, t);
    const alert = makeAlert(track, level, t, 'firing');
    alert.firedAt = t;
    if (flapping) alert.flapping = true;
    const wasVisible = track.phase !== IDLE;
    track.alert = alert;
    track.phase = OPEN;
    track.clearSince = NaN;
    track.routeEscalated = false;
    track.notifiedAt = NaN;
    if (!wasVisible) options.opened(track);
    options.emit(flapping ? 'flapping' : 'raised', track);
  };

  const resolve = (track: Track, t: number): void => {
    const alert = track.alert!;
    if (!alert.flapping && transition(track, t)) {
      // Would resolve, but it is flapping: keep one open alert and hold notifications.
      alert.flapping = true;
      alert.updatedAt = t;
      options.emit('flapping', track);
      return;
    }
    alert.state = 'resolved';
    alert.updatedAt = t;
    track.phase = IDLE;
    track.critSince = NaN;
    track.clearSince = NaN;
    options.closed(track);
    options.emit('resolved', track);
    track.alert = undefined;
  };

  return {
    step(track, level, t) {
      if (track.phase === IDLE) {
        if (level < WARNING) return;
        track.since = t;
        track.critSince = level === CRITICAL ? t : NaN;
        if (track.forMs <= 0) return raise(track, level, t);
        track.phase = PENDING;
        track.alert = makeAlert(track, level, t, 'pending');
        options.opened(track);
        return;
      }
      if (track.phase === PENDING) {
        if (level < WARNING) {
          // The condition did not hold for `for`: the pending alert disappears without an event.
          track.phase = IDLE;
          options.closed(track);
          track.alert = undefined;
          return;
        }
        if (level === CRITICAL) {
          if (Number.isNaN(track.critSince)) track.critSince = t;
        } else track.critSince = NaN;
        if (t - track.since >= track.forMs) return raise(track, level, t);
        track.alert!.severity = severityOf(level);
        return;
      }
      const alert = track.alert!;
      if (level >= WARNING) {
        track.clearSince = NaN;
        if (level === CRITICAL) {
          if (Number.isNaN(track.critSince)) track.critSince = t;
          if (alert.severity === 'warning' && t - track.critSince >= track.forMs) {
            alert.severity = 'critical';
            // Acknowledging a warning is not acknowledging a critical: the alert fires again.
            alert.state = 'firing';
            delete alert.acknowledgedBy;
            delete alert.acknowledgedAt;
            delete alert.note;
            refresh(alert, track, t);
            track.routeEscalated = false;
            track.notifiedAt = NaN;
            options.emit('escalated', track);
          }
        } else track.critSince = NaN;
        return;
      }
      track.critSince = NaN;
      if (level === HOLD) {
        track.clearSince = NaN;
        return;
      }
      if (Number.isNaN(track.clearSince)) track.clearSince = t;
      const need = alert.flapping ? Math.max(track.clearForMs, flapWindowMs) : track.clearForMs;
      if (t - track.clearSince >= need) resolve(track, t);
    },

    acknowledge(track, by, note, now) {
      if (track.phase !== OPEN || !track.alert) return false;
      const alert = track.alert;
      alert.state = 'acknowledged';
      alert.acknowledgedBy = by;
      alert.acknowledgedAt = now;
      if (note !== undefined && note !== '') alert.note = note;
      else delete alert.note;
      alert.updatedAt = now;
      options.emit('acknowledged', track);
      return true;
    },
  };
}
