import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, IncidentEvent } from '../../core/index.js';
import { DEFAULT_INCIDENT_RULES } from '../../incidents/incident-rules.js';
import { createIncidents } from '../../incidents/incidents.js';
import { alertEvent as ev, incidentsCatalogue, MIN } from '../helpers/incidents-fixture.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

/** The incidents service with fakes for the spool and InfluxDB (the real InfluxDB: test/integration/incidents-store.test.ts). */
describe('the incidents service', () => {
  it('correlates alert events, stores every incident event, closes on its tick, and survives a bad event', async () => {
    const vt = createVirtualTime();
    const alerts = new Subject<AlertEvent>();
    const stored: string[] = [];
    const { log } = captureLog();
    const service = await createIncidents({
      catalogue: incidentsCatalogue(),
      rules: DEFAULT_INCIDENT_RULES,
      alertEvents$: alerts,
      append: async (lines) => void stored.push(...lines),
      query: async () => [],
      log,
      clock: vt.clock,
      scheduler: vt.scheduler,
      tickMs: MIN,
      newId: () => 'INC-1',
    });
    const seen: IncidentEvent[] = [];
    service.events$.subscribe((e) => seen.push(e));
    const t0 = vt.now();
    alerts.next(ev('raised', t0, 'RS-A', 'COD'));
    alerts.next({ type: 'raised', at: t0, alert: null } as unknown as AlertEvent);
    alerts.next(ev('raised', t0 + MIN, 'RS-B', 'COD'));
    expect(service.acknowledge('INC-1', 'lan')?.incident.owner).toBe('lan');
    alerts.next(ev('resolved', t0 + 2 * MIN, 'RS-A', 'COD'));
    alerts.next(ev('resolved', t0 + 2 * MIN, 'RS-B', 'COD'));
    vt.advanceBy(16 * MIN);
    expect(seen.at(-1)?.type).toBe('updated');
    vt.advanceBy(2 * MIN);
    expect(seen.map((e) => e.type)).toEqual(['opened', 'updated', 'acknowledged', 'updated', 'updated', 'closed']);
    expect(service.open()).toEqual([]);
    await service.close$();
    expect(stored).toHaveLength(6);
    expect(stored.every((l) => l.startsWith('incident_event,id=INC-1,'))).toBe(true);
  });

  it('starts empty, with a warning, when InfluxDB cannot answer at start', async () => {
    const { log, lines } = captureLog();
    const service = await createIncidents({
      catalogue: incidentsCatalogue(),
      rules: DEFAULT_INCIDENT_RULES,
      alertEvents$: new Subject<AlertEvent>(),
      append: async () => undefined,
      query: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      log,
      scheduler: createVirtualTime().scheduler,
    });
    expect(service.restored).toBe(0);
    expect(lines('could not be restored')).toHaveLength(1);
    await service.close$();
  });
});
