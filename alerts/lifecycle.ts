import type { AlertEventType } from '../core/index.js';
import { makeAlert, recordTransition, refreshAlert, severityOf } from './alert-record.js';
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

/**
 * The alert lifecycle (docs/DOMAIN.md, "What the receiving centre must do"): pending (must hold
 * for `for`) -> firing -> acknowledged -> resolved once clear (below the limit minus a deadband:
 * the rule says CLEAR, not HOLD) for `clearFor`. Escalation from warning to critical updates the
 * same alert. More than N transitions in M minutes makes the alert flapping: it stays open, one
 * `flapping` event is sent, and it resolves only after being clear for the whole flapping window.
 * This is the per-alert state machine; the record it writes is alert-record.ts, the state it
 * keeps per alert is the Track (track.ts).
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  return new AlertLifecycle(options);
}

class AlertLifecycle implements Lifecycle {
  private readonly flapWindowMs: number;
  private readonly maxTransitions: number;

  constructor(private readonly o: LifecycleOptions) {
    this.flapWindowMs = o.flapping.windowMin * 60_000;
    this.maxTransitions = o.flapping.maxTransitions;
  }

  step(track: Track, level: Level, t: number): void {
    if (track.phase === IDLE) this.stepIdle(track, level, t);
    else if (track.phase === PENDING) this.stepPending(track, level, t);
    else if (level >= WARNING) this.stepFiring(track, level, t);
    else this.stepClearing(track, level, t);
  }

  acknowledge(track: Track, by: string, note: string | undefined, now: number): boolean {
    if (track.phase !== OPEN || !track.alert) return false;
    const alert = track.alert;
    alert.state = 'acknowledged';
    alert.acknowledgedBy = by;
    alert.acknowledgedAt = now;
    if (note !== undefined && note !== '') alert.note = note;
    else delete alert.note;
    alert.updatedAt = now;
    this.o.emit('acknowledged', track);
    return true;
  }

  private stepIdle(track: Track, level: Level, t: number): void {
    if (level < WARNING) return;
    track.since = t;
    track.critSince = level === CRITICAL ? t : NaN;
    if (track.forMs <= 0) return this.raise(track, level, t);
    track.phase = PENDING;
    track.alert = makeAlert(track, level, t, 'pending', this.o.isSilenced(track.station, track.parameter));
    this.o.opened(track);
  }

  private stepPending(track: Track, level: Level, t: number): void {
    if (level < WARNING) {
      // The condition did not hold for `for`: the pending alert disappears without an event.
      track.phase = IDLE;
      this.o.closed(track);
      track.alert = undefined;
      return;
    }
    if (level === CRITICAL) {
      if (Number.isNaN(track.critSince)) track.critSince = t;
    } else track.critSince = NaN;
    if (t - track.since >= track.forMs) return this.raise(track, level, t);
    track.alert!.severity = severityOf(level);
  }

  /** Open and still above: a warning that stays critical for `for` escalates. */
  private stepFiring(track: Track, level: Level, t: number): void {
    const alert = track.alert!;
    track.clearSince = NaN;
    if (level !== CRITICAL) {
      track.critSince = NaN;
      return;
    }
    if (Number.isNaN(track.critSince)) track.critSince = t;
    if (alert.severity !== 'warning' || t - track.critSince < track.forMs) return;
    alert.severity = 'critical';
    // Acknowledging a warning is not acknowledging a critical: the alert fires again.
    alert.state = 'firing';
    delete alert.acknowledgedBy;
    delete alert.acknowledgedAt;
    delete alert.note;
    refreshAlert(alert, track, t);
    track.routeEscalated = false;
    track.notifiedAt = NaN;
    this.o.emit('escalated', track);
  }

  /** Open and below WARNING: resolves once clear (not HOLD) for `clearFor` (the flapping window while flapping). */
  private stepClearing(track: Track, level: Level, t: number): void {
    track.critSince = NaN;
    if (level === HOLD) {
      track.clearSince = NaN;
      return;
    }
    if (Number.isNaN(track.clearSince)) track.clearSince = t;
    const need = track.alert!.flapping ? Math.max(track.clearForMs, this.flapWindowMs) : track.clearForMs;
    if (t - track.clearSince >= need) this.resolve(track, t);
  }

  private raise(track: Track, level: Level, t: number): void {
    const flapping = recordTransition(track, t, this.flapWindowMs, this.maxTransitions);
    const alert = makeAlert(track, level, t, 'firing', this.o.isSilenced(track.station, track.parameter));
    alert.firedAt = t;
    if (flapping) alert.flapping = true;
    const wasVisible = track.phase !== IDLE;
    track.alert = alert;
    track.phase = OPEN;
    track.clearSince = NaN;
    track.routeEscalated = false;
    track.notifiedAt = NaN;
    if (!wasVisible) this.o.opened(track);
    this.o.emit(flapping ? 'flapping' : 'raised', track);
  }

  private resolve(track: Track, t: number): void {
    const alert = track.alert!;
    if (!alert.flapping && recordTransition(track, t, this.flapWindowMs, this.maxTransitions)) {
      // Would resolve, but it is flapping: keep one open alert and hold notifications.
      alert.flapping = true;
      alert.updatedAt = t;
      this.o.emit('flapping', track);
      return;
    }
    alert.state = 'resolved';
    alert.updatedAt = t;
    track.phase = IDLE;
    track.critSince = NaN;
    track.clearSince = NaN;
    this.o.closed(track);
    this.o.emit('resolved', track);
    track.alert = undefined;
  }
}
