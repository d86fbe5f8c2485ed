import { describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../core/index.js';
import { createCorrelator, type Correlator } from '../../incidents/correlator.js';
import { DEFAULT_INCIDENT_RULES, parseIncidentRules, type IncidentRules } from '../../incidents/incident-rules.js';
import { placesOf } from '../../incidents/places.js';
import { alertEvent as ev, incidentsCatalogue, MIN } from '../helpers/incidents-fixture.js';

const T0 = Date.UTC(2026, 11, 4, 7, 5);

function correlator(rules: IncidentRules = DEFAULT_INCIDENT_RULES): Correlator {
  let n = 0;
  return createCorrelator({ rules, places: placesOf(incidentsCatalogue()), newId: () => `INC-${++n}` });
}

const types = (events: IncidentEvent[]): string[] => events.map((e) => e.type);

describe('incident correlation, in the alerts own time', () => {
  it('one exceedance is one incident; several parameters at one outfall stay one incident', () => {
    const c = correlator();
    const opened = c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    expect(types(opened)).toEqual(['opened']);
    expect(opened[0]!.incident).toMatchObject({ kind: 'exceedance', zone: 'RIVERSIDE', province: 'Bắc Ninh', severity: 'warning' });
    expect(types(c.onAlertEvent(ev('raised', T0 + 2 * MIN, 'RS-D', 'TSS')))).toEqual(['updated']);
    expect(c.open()).toHaveLength(1);
    expect(c.open()[0]!.kind).toBe('multi_parameter');
    expect(c.incidentOf('RS-D|TSS|threshold')?.id).toBe('INC-1');
  });

  it('a stack with O2 down and CO up together is a stack upset', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-STACK', 'O2'));
    c.onAlertEvent(ev('raised', T0 + MIN, 'RS-STACK', 'CO'));
    expect(c.open().map((i) => i.kind)).toEqual(['stack_upset']);
  });

  it('stations of one zone within the window make one zone incident; outside the window two', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    c.onAlertEvent(ev('raised', T0 + 10 * MIN, 'RS-CETP-IN', 'COD'));
    expect(c.open().map((i) => [i.kind, i.members.length])).toEqual([['zone_cluster', 2]]);

    const late = correlator();
    late.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    late.onAlertEvent(ev('raised', T0 + 31 * MIN, 'RS-CETP-IN', 'COD'));
    expect(late.open().map((i) => i.kind)).toEqual(['exceedance', 'exceedance']);
  });

  it('exceedances in different zones at the same time stay two incidents', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD', { severity: 'critical' }));
    c.onAlertEvent(ev('raised', T0, 'FA-A', 'COD', { severity: 'critical' }));
    expect(
      c
        .open()
        .map((i) => i.zone)
        .sort(),
    ).toEqual(['FARAWAY', 'RIVERSIDE']);
  });

  it('a spill spreads downstream along the river, across zones: one incident, its reach grows, escalated once', () => {
    const c = correlator();
    const all: IncidentEvent[] = [];
    all.push(...c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD')));
    all.push(...c.onAlertEvent(ev('raised', T0 + 8 * MIN, 'RS-B', 'COD')));
    all.push(...c.onAlertEvent(ev('raised', T0 + 16 * MIN, 'RS-C', 'TSS')));
    all.push(...c.onAlertEvent(ev('raised', T0 + 28 * MIN, 'DT-A', 'NH4')));
    const [inc] = c.open();
    expect(c.open()).toHaveLength(1);
    expect(inc).toMatchObject({ kind: 'river_spread', water: 'CAU', reach: [0, 5], severity: 'critical', startedAt: T0 });
    expect(inc!.members.map((m) => m.station)).toEqual(['RS-A', 'RS-B', 'RS-C', 'DT-A']);
    expect(types(all).filter((t) => t !== 'updated')).toEqual(['opened', 'escalated']);
    expect(inc!.timeline.map((t) => t.type)).toEqual(['opened', 'joined', 'joined', 'escalated', 'joined']);
  });

  it('a station upstream of an incident in another zone does not join it by the river', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'DT-A', 'COD'));
    c.onAlertEvent(ev('raised', T0 + 5 * MIN, 'RS-A', 'COD'));
    expect(c.open().map((i) => i.zone)).toEqual(['DOWNTOWN', 'RIVERSIDE']);
  });

  it('a treatment plant: outlet rising alone is a treatment failure; the inlet joining makes it an overload', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-CETP-OUT', 'COD'));
    expect(c.open()[0]!.kind).toBe('treatment_failure');
    c.onAlertEvent(ev('raised', T0 + 5 * MIN, 'RS-CETP-IN', 'COD'));
    expect(c.open().map((i) => [i.kind, i.members.length])).toEqual([['treatment_overload', 2]]);
  });

  it('an instrument fault never makes a spill: fault alerts are no members, and a faulty parameter raises none', () => {
    const c = correlator();
    expect(c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD', { rule: 'sensor_fault' }))).toEqual([]);
    expect(c.onAlertEvent(ev('raised', T0 + MIN, 'RS-A', 'COD'))).toEqual([]);
    expect(c.onAlertEvent(ev('raised', T0 + MIN, 'RS-B', 'COD', { rule: 'stale' }))).toEqual([]);
    expect(c.open()).toEqual([]);
    c.onAlertEvent(ev('resolved', T0 + 2 * MIN, 'RS-A', 'COD', { rule: 'sensor_fault' }));
    expect(types(c.onAlertEvent(ev('raised', T0 + 3 * MIN, 'RS-A', 'COD')))).toEqual(['opened']);
  });

  it('escalates once when a member turns critical, closes after every member resolved for closeAfterMin', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    expect(types(c.onAlertEvent(ev('escalated', T0 + MIN, 'RS-D', 'COD', { severity: 'critical' })))).toEqual(['escalated']);
    expect(types(c.onAlertEvent(ev('resolved', T0 + 20 * MIN, 'RS-D', 'COD', { severity: 'critical' })))).toEqual(['updated']);
    expect(c.tick(T0 + 34 * MIN)).toEqual([]);
    const closed = c.tick(T0 + 35 * MIN);
    expect(closed.map((e) => [e.type, e.incident.state, e.incident.closedBy])).toEqual([['closed', 'closed', 'system']]);
    expect(c.open()).toEqual([]);
    expect(c.incidentOf('RS-D|COD|threshold')).toBeUndefined();
  });

  it('a member raised again before closing keeps the incident open', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    c.onAlertEvent(ev('resolved', T0 + 5 * MIN, 'RS-D', 'COD'));
    c.onAlertEvent(ev('raised', T0 + 10 * MIN, 'RS-D', 'COD'));
    expect(c.tick(T0 + 40 * MIN)).toEqual([]);
    expect(c.open()).toHaveLength(1);
  });

  it('is acknowledged with an owner, investigated, closed with a cause and a note', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD'));
    expect(c.acknowledge('INC-1', 'lan', T0 + MIN)?.incident).toMatchObject({ state: 'acknowledged', owner: 'lan' });
    expect(c.investigate('INC-1', 'minh', T0 + 2 * MIN)?.incident).toMatchObject({ state: 'investigating', owner: 'minh' });
    const closed = c.close('INC-1', 'minh', T0 + 3 * MIN, 'bypass', 'valve left open');
    expect(closed?.incident).toMatchObject({ state: 'closed', cause: 'bypass', note: 'valve left open', closedBy: 'minh' });
    expect(c.close('INC-1', 'minh', T0 + 4 * MIN, 'other')).toBeUndefined();
    expect(c.acknowledge('INC-404', 'lan', T0)).toBeUndefined();
  });

  it('projects the earliest limit crossing its trend members forecast', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-D', 'COD', { rule: 'trend', forecastAt: T0 + 40 * MIN, limit: 150 }));
    c.onAlertEvent(ev('raised', T0 + MIN, 'RS-D', 'TSS', { rule: 'trend', forecastAt: T0 + 25 * MIN, limit: 100 }));
    expect(c.open()[0]!.projection).toEqual({ station: 'RS-D', parameter: 'TSS', at: T0 + 25 * MIN, limit: 100, unit: 'mg/L' });
  });

  it('restored incidents take their members back without any event', () => {
    const c = correlator();
    c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD'));
    const saved = c.open();
    const again = correlator();
    again.restore(saved);
    expect(types(again.onAlertEvent(ev('raised', T0 + 5 * MIN, 'RS-B', 'COD')))).toEqual(['updated']);
    expect(again.open()).toHaveLength(1);
  });

  it('rules can be turned off, and a bad rules file is refused with its field', () => {
    const c = correlator(parseIncidentRules({ version: 1, sameZone: false, sameWater: false }));
    c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD'));
    c.onAlertEvent(ev('raised', T0 + MIN, 'RS-B', 'COD'));
    expect(c.open()).toHaveLength(2);
    expect(() => parseIncidentRules({ version: 1, windowMin: -1 })).toThrow(/windowMin/);
  });
});
