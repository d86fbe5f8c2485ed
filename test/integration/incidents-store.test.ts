import { describe, expect, inject, it } from 'vitest';
import { createInfluxClient } from '../../ingest/index.js';
import { createCorrelator } from '../../incidents/correlator.js';
import { DEFAULT_INCIDENT_RULES } from '../../incidents/incident-rules.js';
import { encodeIncidentEvent, incidentJson, loadIncidentEvents, loadOpenIncidents } from '../../incidents/incident-store.js';
import { placesOf } from '../../incidents/places.js';
import { testDatabase } from '../helpers/centre.js';
import { alertEvent as ev, incidentsCatalogue, MIN } from '../helpers/incidents-fixture.js';

const T0 = Date.now() - 3_600_000;

describe('incidents stored in the real InfluxDB', () => {
  it('open incidents come back exactly and restore without any new opening; closed ones stay closed', async () => {
    const influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: testDatabase() });
    await influx.ensureDatabase();
    let n = 0;
    const places = placesOf(incidentsCatalogue());
    const c = createCorrelator({ rules: DEFAULT_INCIDENT_RULES, places, newId: () => `INC-${++n}` });
    const events = [
      ...c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD')),
      ...c.onAlertEvent(ev('raised', T0 + 5 * MIN, 'RS-B', 'COD')),
      ...c.onAlertEvent(ev('raised', T0 + 6 * MIN, 'FA-A', 'COD')),
    ];
    const closed = c.close('INC-2', 'lan', T0 + 7 * MIN, 'instrument_fault', 'probe\u0000 fouled\n"again"');
    events.push(closed!);
    await influx.write(`${events.map(encodeIncidentEvent).join('\n')}\n`);

    const open = await loadOpenIncidents(influx.query);
    expect(open).toEqual(c.open());
    expect(open.map((i) => i.id)).toEqual(['INC-1']);

    const again = createCorrelator({ rules: DEFAULT_INCIDENT_RULES, places, newId: () => 'INC-NEW' });
    again.restore(open);
    expect(again.onAlertEvent(ev('raised', T0 + 8 * MIN, 'RS-C', 'COD')).map((e) => [e.type, e.incident.id])).toEqual([
      ['escalated', 'INC-1'],
    ]);

    const history = await loadIncidentEvents(influx.query, { id: 'INC-2' });
    expect(history.map((e) => e.type)).toEqual(['closed', 'opened']);
    expect(history[0]!.incident).toMatchObject({ cause: 'instrument_fault', note: 'probe\u0000 fouled\n"again"' });
  });

  it('a very long timeline is shortened to fit a field, keeping its first entry and the latest', () => {
    const c = createCorrelator({ rules: { ...DEFAULT_INCIDENT_RULES, maxTimeline: 5_000 }, places: placesOf(incidentsCatalogue()) });
    c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD'));
    for (let i = 1; i < 1_000; i++) c.onAlertEvent(ev(i % 2 ? 'resolved' : 'raised', T0 + i * 1000, 'RS-A', 'COD'));
    const [incident] = c.open();
    const json = incidentJson(incident!);
    expect(json.length).toBeLessThanOrEqual(60_000);
    const kept = JSON.parse(json) as typeof incident;
    expect(kept!.timeline[0]!.type).toBe('opened');
    expect(kept!.timeline.at(-1)).toEqual(incident!.timeline.at(-1));
  });
});
