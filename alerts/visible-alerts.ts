import type { Alert, AlertEventType, AlertFilter, Silence } from '../core/index.js';
import { selectAlerts } from './select-alerts.js';
import { IDLE, OPEN, type Track } from './track.js';

/** Whether a maintenance window covers a station (or this parameter of it) now. */
type Covers = (station: string, parameter: string) => boolean;

/**
 * The index of visible alerts (pending or open) by id: what `open()`, acknowledgement, silences
 * and reminders look at, so none of them walks every series. The lifecycle adds and removes.
 */
export class VisibleAlerts {
  private readonly tracks = new Map<string, Track>();

  add(track: Track): void {
    this.tracks.set(track.id, track);
  }

  remove(track: Track): void {
    this.tracks.delete(track.id);
  }

  get(id: string): Track | undefined {
    return this.tracks.get(id);
  }

  /**
   * Puts an alert restored from InfluxDB back on its track, without any event: it was notified
   * before the restart, so the next reminder is a full period away and escalation is done.
   */
  restore(track: Track, alert: Alert, at: number, now: number, silenced: boolean): void {
    track.alert = { ...alert };
    if (silenced) track.alert.silenced = true;
    else delete track.alert.silenced;
    track.phase = OPEN;
    track.since = alert.since;
    track.lastEventAt = at;
    track.openedAt = at;
    track.notifiedAt = now;
    track.routeEscalated = true;
    if (alert.severity === 'critical') track.critSince = alert.since;
    this.add(track);
  }

  /** Marks the open alerts a new silence covers, with a `silenced` event each; returns them. */
  silence(covers: Covers, now: number, emit: (type: AlertEventType, track: Track) => void): Track[] {
    const affected: Track[] = [];
    for (const t of this.tracks.values()) {
      if (t.phase !== OPEN || !t.alert || t.alert.silenced || !covers(t.station, t.parameter)) continue;
      t.alert.silenced = true;
      t.alert.updatedAt = now;
      affected.push(t);
      emit('silenced', t);
    }
    return affected;
  }

  /** Clears the mark of alerts whose silence ended and that no other silence covers. */
  unsilence(ended: Silence, covers: Covers): void {
    for (const t of this.tracks.values()) {
      if (t.alert?.silenced && t.station === ended.station && !covers(t.station, t.parameter)) delete t.alert.silenced;
    }
  }

  /** Forgets the visible alerts of these stations (cluster mode: another node owns them now); the tracks start idle. */
  drop(stations: ReadonlySet<string>): void {
    for (const t of this.tracks.values()) {
      if (!stations.has(t.station)) continue;
      this.tracks.delete(t.id);
      t.phase = IDLE;
      t.alert = undefined;
      t.flaps = undefined;
      t.critSince = NaN;
      t.clearSince = NaN;
    }
  }

  open(filter?: AlertFilter): Alert[] {
    const out: Alert[] = [];
    for (const t of this.tracks.values()) if (t.alert) out.push(t.alert);
    return selectAlerts(out, filter);
  }

  *openTracks(): Iterable<Track> {
    for (const t of this.tracks.values()) if (t.phase === OPEN) yield t;
  }
}
