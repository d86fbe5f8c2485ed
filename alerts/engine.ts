import {
  QuantracError,
  type Alert,
  type AlertEvent,
  type AlertEventType,
  type AlertFilter,
  type Catalogue,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { BacklogRule, CENTRE } from './backlog-rule.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import type { Rules } from './rules-config.js';
import { createSilences, type SilenceInput, type Silences } from './silences.js';
import { F64Slab } from './slab.js';
import { isSeriesRule } from './series.js';
import { StationState } from './station-state.js';
import { IDLE, type Track } from './track.js';
import { VisibleAlerts } from './visible-alerts.js';

export { CENTRE } from './backlog-rule.js';
export { selectAlerts } from './select-alerts.js';

export interface EngineOptions {
  catalogue: Catalogue;
  rules: Rules;
  clock: Clock;
  /** Every alert event, synchronously, in order. */
  onEvent(event: AlertEvent, track: Track): void;
  /** Cluster mode: the stations this node evaluates (docs/ARCHITECTURE.md, "Cluster mode"); the wall-clock rules skip the others. */
  owned?: Set<string>;
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
  /** Cluster mode: starts evaluating these stations (silence timers from now), their open alerts put back quietly. */
  adopt(stations: readonly string[], alerts: Alert[]): number;
  /** Cluster mode: stops evaluating these stations and forgets their visible alerts (their owner has them now). */
  drop(stations: readonly string[]): void;
}

/**
 * The rules engine proper: per-station state, dispatch of readings, presence and storage
 * condition to the rules, and the index of visible alerts. Pure and synchronous, so unit
 * tests drive it in virtual time and the benchmark measures it alone.
 */
export function createAlertEngine(options: EngineOptions): AlertEngine {
  const { catalogue, rules, clock } = options;
  const stations = new Map<string, StationState>();
  const visible = new VisibleAlerts();
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
    opened: (t) => visible.add(t),
    closed: (t) => visible.remove(t),
  });
  const backlog = rules.backlog.enabled ? new BacklogRule(rules.backlog, lc) : undefined;
  const findTrack = (id: string): Track | undefined => visible.get(id) ?? trackOf(id, stations, backlog);

  return {
    silences,
    emit,
    station: (id) => stations.get(id),
    ...ownershipOps(stations, visible, options, (list) => restoreAlerts(list, findTrack, visible, silences, clock.now())),

    onReading(r) {
      const st = stations.get(r.station);
      if (!st) return;
      const now = clock.now();
      st.seen(now, lc);
      const series = st.series.get(r.parameter);
      if (series) series.evaluate(r.value, r.status, r.ts, now, lc);
    },

    onPresence(p) {
      stations.get(p.station)?.onPresence(p, clock.now(), lc);
    },

    onStorage: (c) => backlog?.onStorage(c, clock.now()),

    tick() {
      const now = clock.now();
      const owned = options.owned;
      for (const st of stations.values()) if (!owned || owned.has(st.station.id)) st.checkStale(now, lc);
      backlog?.tick(now);
      for (const ended of silences.expire(now)) visible.unsilence(ended, (station, parameter) => silences.covers(station, parameter, now));
    },

    restore: (list) => restoreAlerts(list, findTrack, visible, silences, clock.now()),

    acknowledge(id, by, note) {
      const track = visible.get(id);
      if (!track || typeof by !== 'string' || by.trim() === '') return undefined;
      return lc.acknowledge(track, by.trim(), note, clock.now()) ? { ...track.alert! } : undefined;
    },

    silence(input) {
      const now = clock.now();
      const p = input.parameter;
      if (p !== undefined && p !== '*' && p !== '' && !catalogue.stationParameter(input.station, p)) {
        throw new QuantracError('ERR_SILENCE', `${p} is not measured at ${input.station}`);
      }
      const silence = silences.add(input, now);
      return { silence, affected: visible.silence((station, parameter) => silences.covers(station, parameter, now), now, emit) };
    },

    open: (filter) => visible.open(filter),
    openTracks: () => visible.openTracks(),
  };
}

/** Puts restored alerts back on their tracks without any event; those without a track (station or rule gone) are orphans. */
function restoreAlerts(
  list: Array<{ alert: Alert; at: number }>,
  findTrack: (id: string) => Track | undefined,
  visible: VisibleAlerts,
  silences: Silences,
  now: number,
): { restored: number; orphans: Alert[] } {
  let restored = 0;
  const orphans: Alert[] = [];
  for (const { alert, at } of list) {
    const track = findTrack(alert.id);
    if (!track) orphans.push(alert);
    else if (track.phase === IDLE) {
      visible.restore(track, alert, at, now, silences.covers(alert.station, alert.parameter, now));
      restored += 1;
    }
  }
  return { restored, orphans };
}

/** Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): the stations this node takes over or gives up. */
function ownershipOps(
  stations: Map<string, StationState>,
  visible: VisibleAlerts,
  { owned, clock }: EngineOptions,
  restore: AlertEngine['restore'],
): Pick<AlertEngine, 'adopt' | 'drop'> {
  return {
    adopt(ids, alerts) {
      const now = clock.now();
      for (const id of ids) {
        const st = stations.get(id);
        // Its silence timer starts now: this node saw none of its readings before.
        if (st) {
          st.lastSeenAt = now;
          st.offlineSince = NaN;
        }
        owned?.add(id);
      }
      return restore(alerts.map((alert) => ({ alert, at: alert.updatedAt }))).restored;
    },
    drop(ids) {
      for (const id of ids) owned?.delete(id);
      visible.drop(new Set(ids));
    },
  };
}

/** The track an alert id names (station|parameter|rule), visible or not; undefined when its station or rule is gone. */
function trackOf(id: string, stations: Map<string, StationState>, backlog: BacklogRule | undefined): Track | undefined {
  const [station, parameter, rule] = id.split('|');
  if (station === CENTRE && rule === 'backlog') return backlog?.track;
  const st = stations.get(station ?? '');
  if (!st) return undefined;
  if (rule === 'stale') return st.stale;
  const series = st.series.get(parameter ?? '');
  return series && isSeriesRule(rule) ? series.track(rule) : undefined;
}
