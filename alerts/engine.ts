import {
  QuantracError,
  type Alert,
  type AlertEvent,
  type AlertEventType,
  type AlertFilter,
  type Catalogue,
  type Clock,
  type Presence,
  type Reading,
  type Severity,
  type StorageCondition,
} from '../core/index.js';
import { describeBacklog } from './describe.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import type { Rules } from './rules-config.js';
import { createSilences, type SilenceInput, type Silences } from './silences.js';
import { F64Slab } from './slab.js';
import { isSeriesRule } from './series.js';
import { StationState } from './station-state.js';
import { CLEAR, CRITICAL, IDLE, OPEN, Track, WARNING, type Level } from './track.js';

/** Station and zone of the centre-wide storage backlog alert (rule 7); parameter `*`. */
export const CENTRE = 'centre';

export interface EngineOptions {
  catalogue: Catalogue;
  rules: Rules;
  clock: Clock;
  /** Every alert event, synchronously, in order. */
  onEvent(event: AlertEvent, track: Track): void;
}

export interface AlertEngine {
  onReading(r: Reading): void;
  onPresence(p: Presence): void;
  onStorage(c: StorageCondition): void;
  /** Wall-clock rules (stale, backlog maturing) and silence expiry; called by a scheduler. */
  tick(): void;
  /**
   * Puts alerts restored from InfluxDB back in place without any event (no second
   * notification). Returns those that no longer have a rule (station or rule removed).
   */
  restore(alerts: Array<{ alert: Alert; at: number }>): { restored: number; orphans: Alert[] };
  acknowledge(id: string, by: string, note?: string): Alert | undefined;
  silence(input: SilenceInput): { silence: ReturnType<Silences['add']>; affected: Track[] };
  readonly silences: Silences;
  open(filter?: AlertFilter): Alert[];
  /** Open (firing or acknowledged) tracks, for reminders and escalation. */
  openTracks(): Iterable<Track>;
  /** Emits an event for a track without changing its state (reminders). */
  emit(type: AlertEventType, track: Track): void;
  station(id: string): StationState | undefined;
}

const SEVERITY_RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** The alerts a filter selects, as copies, most urgent first: critical before warning, then the oldest. */
export function selectAlerts(alerts: Iterable<Alert>, filter: AlertFilter = {}): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) {
    if (filter.station !== undefined && a.station !== filter.station) continue;
    if (filter.zone !== undefined && a.zone !== filter.zone) continue;
    if (filter.severity !== undefined && a.severity !== filter.severity) continue;
    if (filter.rule !== undefined && a.rule !== filter.rule) continue;
    if (filter.from !== undefined && a.updatedAt < filter.from) continue;
    if (filter.to !== undefined && a.since > filter.to) continue;
    out.push({ ...a });
  }
  out.sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || x.since - y.since);
  return filter.limit !== undefined && filter.limit >= 0 ? out.slice(0, filter.limit) : out;
}

/**
 * The rules engine proper: per-station state, dispatch of readings, presence and storage
 * condition to the rules, and the index of visible alerts. Pure and synchronous, so unit
 * tests drive it in virtual time and the benchmark measures it alone.
 */
export function createAlertEngine(options: EngineOptions): AlertEngine {
  const { catalogue, rules, clock } = options;
  const stations = new Map<string, StationState>();
  const visible = new Map<string, Track>();
  const silences = createSilences((id) => catalogue.station(id) !== undefined);
  const start = clock.now();
  const slab = new F64Slab();
  for (const s of catalogue.stations)
    stations.set(s.id, new StationState(s, catalogue.zoneOf(s.id)?.id ?? '', catalogue, rules, start, slab));

  const emit = (type: AlertEventType, track: Track): void => {
    const now = clock.now();
    // Events of one alert get strictly increasing times: distinct points, a clear "latest".
    const at = Math.max(now, track.lastEventAt + 1);
    track.lastEventAt = at;
    if (type === 'raised' || type === 'flapping' || type === 'escalated') track.openedAt = now;
    options.onEvent({ type, at, alert: { ...track.alert! } }, track);
  };

  const lc: Lifecycle = createLifecycle({
    flapping: rules.flapping,
    isSilenced: (station, parameter) => silences.covers(station, parameter, clock.now()),
    emit,
    opened: (t) => visible.set(t.id, t),
    closed: (t) => visible.delete(t.id),
  });

  const backlog = rules.backlog.enabled
    ? new Track(CENTRE, CENTRE, '*', 'backlog', rules.backlog.forS * 1000, rules.backlog.clearForS * 1000, describeBacklog())
    : undefined;
  let backlogLevel: Level = CLEAR;

  const findTrack = (id: string): Track | undefined => {
    const v = visible.get(id);
    if (v) return v;
    const [station, parameter, rule] = id.split('|');
    if (station === CENTRE && rule === 'backlog') return backlog;
    const st = stations.get(station ?? '');
    if (!st) return undefined;
    if (rule === 'stale') return st.stale;
    const series = st.series.get(parameter ?? '');
    return series && isSeriesRule(rule) ? series.track(rule) : undefined;
  };

  return {
    silences,
    emit,
    station: (id) => stations.get(id),

    onReading(r) {
      const st = stations.get(r.station);
      if (!st) return;
      const now = clock.now();
      st.seen(now, lc);
      const series = st.series.get(r.parameter);
      if (series) series.evaluate(r.value, r.status, r.ts, now, lc);
    },

    onPresence(p) {
      const st = stations.get(p.station);
      if (!st) return;
      // Rule 5: offline by its will (the broker saw the connection die) fires at once. A clean
      // "offline" status or DISCONNECT is left to the silence timer: many loggers connect,
      // push and disconnect every cycle, and that is no interruption.
      const now = clock.now();
      if (p.state === 'offline' && p.reason === 'will') {
        if (Number.isNaN(st.offlineSince)) st.offlineSince = now;
      } else if (p.state === 'online') st.offlineSince = NaN;
      else return;
      st.checkStale(now, lc);
    },

    onStorage(c) {
      if (!backlog) return;
      const pct = c.budgetBytes > 0 ? (c.spoolBytes / c.budgetBytes) * 100 : 0;
      backlogLevel = !c.backlog ? CLEAR : c.backpressure === 'none' ? WARNING : CRITICAL;
      if (backlogLevel >= WARNING) {
        backlog.value = pct;
        backlog.note = c.backpressure === 'none' ? '' : c.backpressure;
      }
      lc.step(backlog, backlogLevel, clock.now());
    },

    tick() {
      const now = clock.now();
      for (const st of stations.values()) st.checkStale(now, lc);
      if (backlog && backlog.phase !== IDLE) lc.step(backlog, backlogLevel, now);
      for (const ended of silences.expire(now)) {
        for (const t of visible.values()) {
          if (t.alert?.silenced && t.station === ended.station && !silences.covers(t.station, t.parameter, now)) delete t.alert.silenced;
        }
      }
    },

    restore(list) {
      let n = 0;
      const orphans: Alert[] = [];
      const now = clock.now();
      for (const { alert, at } of list) {
        const track = findTrack(alert.id);
        if (!track) {
          orphans.push(alert);
          continue;
        }
        if (track.phase !== IDLE) continue;
        track.alert = { ...alert };
        if (silences.covers(alert.station, alert.parameter, now)) track.alert.silenced = true;
        else delete track.alert.silenced;
        track.phase = OPEN;
        track.since = alert.since;
        track.lastEventAt = at;
        track.openedAt = at;
        // The restored alert was notified before the restart: the next reminder is a full period away.
        track.notifiedAt = now;
        track.routeEscalated = true;
        if (alert.severity === 'critical') track.critSince = alert.since;
        visible.set(track.id, track);
        n += 1;
      }
      return { restored: n, orphans };
    },

    acknowledge(id, by, note) {
      const track = visible.get(id);
      if (!track || typeof by !== 'string' || by.trim() === '') return undefined;
      return lc.acknowledge(track, by.trim(), note, clock.now()) ? { ...track.alert! } : undefined;
    },

    silence(input) {
      const now = clock.now();
      if (
        input.parameter !== undefined &&
        input.parameter !== '*' &&
        input.parameter !== '' &&
        !catalogue.stationParameter(input.station, input.parameter)
      ) {
        throw new QuantracError('ERR_SILENCE', `${input.parameter} is not measured at ${input.station}`);
      }
      const silence = silences.add(input, now);
      const affected: Track[] = [];
      for (const t of visible.values()) {
        if (t.phase !== OPEN || !t.alert || t.alert.silenced || !silences.covers(t.station, t.parameter, now)) continue;
        t.alert.silenced = true;
        t.alert.updatedAt = now;
        affected.push(t);
        emit('silenced', t);
      }
      return { silence, affected };
    },

    open(filter) {
      const out: Alert[] = [];
      for (const t of visible.values()) if (t.alert) out.push(t.alert);
      return selectAlerts(out, filter);
    },

    *openTracks() {
      for (const t of visible.values()) if (t.phase === OPEN) yield t;
    },
  };
}
