import { randomUUID } from 'node:crypto';
import type { Alert, AlertEvent, Incident, IncidentCause, IncidentEvent, IncidentEventType, IncidentTimelineEntry } from '../core/index.js';
import type { IncidentRules } from './incident-rules.js';
import { matchIncident, type OpenIncident } from './match.js';
import type { Places } from './places.js';
import { projectionOf, severityOf, withReach } from './incident-facts.js';

export interface Correlator {
  /** One alert event in; the incident events it causes out (none for most). */
  onAlertEvent(event: AlertEvent): IncidentEvent[];
  /** Closes incidents whose members have all been resolved for `closeAfterMin`. */
  tick(now: number): IncidentEvent[];
  acknowledge(id: string, by: string, at: number): IncidentEvent | undefined;
  investigate(id: string, by: string, at: number): IncidentEvent | undefined;
  close(id: string, by: string, at: number, cause: IncidentCause, note?: string): IncidentEvent | undefined;
  /** The open incident an alert belongs to: its own notifications are held then. */
  incidentOf(alertId: string): Incident | undefined;
  open(): Incident[];
  /** Takes back incidents saved before a restart, without any event (nobody is told twice). */
  restore(incidents: readonly Incident[]): void;
}

export interface CorrelatorOptions {
  rules: IncidentRules;
  places: Places;
  newId?: () => string;
}

const ACTIVITY: ReadonlySet<AlertEvent['type']> = new Set(['raised', 'escalated', 'resolved']);

/**
 * Groups member alerts into incidents (docs/INCIDENTS.md). Works in the alerts' own time (each
 * event's `at`), so replays and tests in virtual time give the same incidents as live data.
 */
export function createCorrelator(options: CorrelatorOptions): Correlator {
  return new IncidentCorrelator(options);
}

class IncidentCorrelator implements Correlator {
  readonly #rules: IncidentRules;
  readonly #places: Places;
  readonly #newId: () => string;
  readonly #open = new Map<string, OpenIncident>();
  readonly #byAlert = new Map<string, OpenIncident>();
  /** The latest alert of each member, for the projection. */
  readonly #alerts = new Map<string, Alert>();
  /** `station|parameter` with an open sensor fault: its values say nothing about the water. */
  readonly #faulty = new Set<string>();

  constructor(options: CorrelatorOptions) {
    this.#rules = options.rules;
    this.#places = options.places;
    this.#newId = options.newId ?? (() => `INC-${randomUUID().slice(0, 8).toUpperCase()}`);
  }

  onAlertEvent(e: AlertEvent): IncidentEvent[] {
    const a = e.alert;
    const key = `${a.station}|${a.parameter}`;
    if (a.rule === 'sensor_fault') {
      if (e.type === 'raised') this.#faulty.add(key);
      else if (e.type === 'resolved') this.#faulty.delete(key);
    }
    if (!ACTIVITY.has(e.type) || this.#rules.excludeRules.includes(a.rule)) return [];
    if (e.type === 'raised' && !this.#faulty.has(key)) return this.#raised(a, e.at);
    return this.#memberChanged(e);
  }

  tick(now: number): IncidentEvent[] {
    const out: IncidentEvent[] = [];
    for (const o of [...this.#open.values()]) {
      const ms = o.incident.members;
      if (ms.some((m) => m.resolvedAt === undefined)) continue;
      const last = Math.max(o.lastActivity, ...ms.map((m) => m.resolvedAt!));
      if (now - last >= this.#rules.closeAfterMin * 60_000) out.push(this.#finish(o, now, 'system'));
    }
    return out;
  }

  acknowledge(id: string, by: string, at: number): IncidentEvent | undefined {
    return this.#act(id, 'acknowledged', by, at);
  }

  investigate(id: string, by: string, at: number): IncidentEvent | undefined {
    return this.#act(id, 'investigating', by, at);
  }

  close(id: string, by: string, at: number, cause: IncidentCause, text?: string): IncidentEvent | undefined {
    const o = this.#open.get(id);
    return o ? this.#finish(o, at, by, cause, text) : undefined;
  }

  incidentOf(alertId: string): Incident | undefined {
    return this.#byAlert.get(alertId)?.incident;
  }

  open(): Incident[] {
    return [...this.#open.values()].map((o) => structuredClone(o.incident));
  }

  restore(incidents: readonly Incident[]): void {
    for (const saved of incidents) {
      if (saved.state === 'closed') continue;
      const incident = structuredClone(saved);
      const o: OpenIncident = { incident, stations: new Set(incident.members.map((m) => m.station)), lastActivity: incident.updatedAt };
      this.#open.set(incident.id, o);
      for (const m of incident.members) this.#byAlert.set(m.alertId, o);
    }
  }

  #note(o: OpenIncident, entry: IncidentTimelineEntry): void {
    const t = o.incident.timeline;
    t.push(entry);
    if (t.length > this.#rules.maxTimeline) t.splice(1, t.length - this.#rules.maxTimeline);
  }

  #emit(type: IncidentEventType, at: number, o: OpenIncident): IncidentEvent {
    o.incident.updatedAt = at;
    return { type, at, incident: structuredClone(o.incident) };
  }

  #refresh(o: OpenIncident, at: number): IncidentEvent[] {
    const inc = o.incident;
    const projection = projectionOf(inc, this.#alerts, at);
    if (projection === undefined) delete inc.projection;
    else inc.projection = projection;
    Object.assign(inc, withReach(inc, this.#places));
    const severity = severityOf(inc, o.stations.size, this.#rules);
    if (severity === 'critical' && inc.severity === 'warning') {
      inc.severity = 'critical';
      this.#note(o, { at, type: 'escalated' });
      return [this.#emit('escalated', at, o)];
    }
    return [this.#emit('updated', at, o)];
  }

  #raised(a: Alert, at: number): IncidentEvent[] {
    const place = this.#places.of(a.station);
    if (!place) return [];
    this.#alerts.set(a.id, a);
    const joined: IncidentTimelineEntry = { at, type: 'joined', alertId: a.id, station: a.station, parameter: a.parameter };
    const known = this.#byAlert.get(a.id);
    if (known) {
      const m = known.incident.members.find((x) => x.alertId === a.id)!;
      delete m.resolvedAt;
      m.severity = a.severity;
      known.lastActivity = at;
      this.#note(known, joined);
      return this.#refresh(known, at);
    }
    const member = { alertId: a.id, station: a.station, parameter: a.parameter, rule: a.rule, severity: a.severity, joinedAt: at };
    const match = matchIncident(place, a.parameter, at, this.#open.values(), this.#rules, this.#places);
    if ('join' in match) {
      const o = match.join;
      o.incident.kind = match.kind;
      o.incident.members.push(member);
      o.stations.add(a.station);
      o.lastActivity = at;
      this.#byAlert.set(a.id, o);
      this.#note(o, joined);
      return this.#refresh(o, at);
    }
    const incident: Incident = {
      id: this.#newId(),
      kind: match.open,
      severity: a.severity,
      state: 'open',
      zone: place.zone,
      province: place.province,
      ...(place.water ? { water: place.water.body, reach: [place.water.order, place.water.order] as [number, number] } : {}),
      startedAt: at,
      updatedAt: at,
      members: [member],
      timeline: [{ ...joined, type: 'opened' }],
    };
    const o: OpenIncident = { incident, stations: new Set([a.station]), lastActivity: at };
    this.#open.set(incident.id, o);
    this.#byAlert.set(a.id, o);
    this.#refresh(o, at);
    return [this.#emit('opened', at, o)];
  }

  #memberChanged(e: AlertEvent): IncidentEvent[] {
    const o = this.#byAlert.get(e.alert.id);
    if (!o) return [];
    const m = o.incident.members.find((x) => x.alertId === e.alert.id)!;
    this.#alerts.set(e.alert.id, e.alert);
    if (e.type === 'resolved') {
      m.resolvedAt = e.at;
      this.#note(o, { at: e.at, type: 'member_resolved', alertId: m.alertId, station: m.station, parameter: m.parameter });
    } else {
      m.severity = e.alert.severity;
      o.lastActivity = e.at;
      this.#note(o, { at: e.at, type: 'member_escalated', alertId: m.alertId, station: m.station, parameter: m.parameter });
    }
    return this.#refresh(o, e.at);
  }

  #finish(o: OpenIncident, at: number, by: string, cause?: IncidentCause, text?: string): IncidentEvent {
    const inc = o.incident;
    inc.state = 'closed';
    inc.closedAt = at;
    inc.closedBy = by;
    if (cause !== undefined) inc.cause = cause;
    if (text !== undefined && text !== '') inc.note = text;
    this.#note(o, { at, type: 'closed', by });
    this.#open.delete(inc.id);
    for (const m of inc.members) {
      this.#byAlert.delete(m.alertId);
      this.#alerts.delete(m.alertId);
    }
    return this.#emit('closed', at, o);
  }

  #act(id: string, state: 'acknowledged' | 'investigating', by: string, at: number): IncidentEvent | undefined {
    const o = this.#open.get(id);
    if (!o) return undefined;
    o.incident.state = state;
    o.incident.owner = by;
    this.#note(o, { at, type: state, by });
    return this.#emit(state, at, o);
  }
}
