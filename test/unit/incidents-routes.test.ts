import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScope, stationScope, type AlertEvent, type AuditEntry, type RouteUser } from '../../core/index.js';
import { createIncidents, type IncidentsService } from '../../incidents/incidents.js';
import { DEFAULT_INCIDENT_RULES } from '../../incidents/incident-rules.js';
import { incidentRoutes, scopedIncident } from '../../incidents/incident-routes.js';
import { alertEvent as ev, incidentsCatalogue, MIN } from '../helpers/incidents-fixture.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

// The incidents' REST routes over HTTP: scoped like every other datum (an incident is seen when
// one of its members is in scope, with only those members), actions for operators, audited.
const catalogue = incidentsCatalogue();
const user = (role: string, scope: string): RouteUser => ({ name: `${role}-1`, role, scope: stationScope(catalogue, [parseScope(scope)]) });

describe('incident routes', () => {
  let server: Server | undefined;
  let service: IncidentsService | undefined;
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    await service?.close$();
    server = undefined;
  });

  const start = async (as: RouteUser): Promise<{ url: string; audit: AuditEntry[] }> => {
    const vt = createVirtualTime();
    const alerts = new Subject<AlertEvent>();
    let n = 0;
    service = await createIncidents({
      catalogue,
      rules: DEFAULT_INCIDENT_RULES,
      alertEvents$: alerts,
      append: async () => undefined,
      query: async () => [],
      log: captureLog().log,
      clock: vt.clock,
      scheduler: vt.scheduler,
      newId: () => `INC-${++n}`,
    });
    const t0 = vt.now();
    // One incident down the Cầu from Riverside (Bắc Ninh) into Downtown (Bắc Giang); one at Faraway (Đồng Nai).
    alerts.next(ev('raised', t0, 'RS-A', 'COD'));
    alerts.next(ev('raised', t0 + MIN, 'DT-A', 'COD'));
    alerts.next(ev('raised', t0, 'FA-A', 'COD'));
    const audit: AuditEntry[] = [];
    const [route] = incidentRoutes(service, { record: (e) => void audit.push(e) });
    server = createServer((req, res) => {
      void Promise.resolve(route!.handle(req, res, as)).then((handled) => handled || res.writeHead(404).end());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/incidents`, audit };
  };

  it('lists every incident to the country, and to a province only those with a member in it, with only those members', async () => {
    const country = await start(user('viewer', 'country'));
    const all = (await (await fetch(country.url)).json()) as { incidents: Array<{ id: string; members: unknown[] }> };
    expect(all.incidents.map((i) => [i.id, i.members.length])).toEqual([
      ['INC-1', 2],
      ['INC-2', 1],
    ]);
    await new Promise((r) => server!.close(r));
    await service!.close$();
    const province = await start(user('viewer', 'province:Bắc Giang'));
    const seen = (await (await fetch(province.url)).json()) as { incidents: Array<{ id: string; members: Array<{ station: string }> }> };
    expect(seen.incidents.map((i) => [i.id, i.members.map((m) => m.station)])).toEqual([['INC-1', ['DT-A']]]);
    expect((await fetch(`${province.url}/INC-2`)).status).toBe(404);
    expect((await fetch(`${province.url}/INC-1`)).status).toBe(200);
  });

  it('lets an operator in scope act, audited; refuses a viewer, an out-of-scope operator and a close without a cause', async () => {
    const { url, audit } = await start(user('operator', 'province:Bắc Ninh'));
    expect((await fetch(`${url}/INC-2/acknowledge`, { method: 'POST' })).status).toBe(404);
    const ack = await fetch(`${url}/INC-1/acknowledge`, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as { incident: { state: string; owner: string } }).incident).toMatchObject({
      state: 'acknowledged',
      owner: 'operator-1',
    });
    const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
    expect((await fetch(`${url}/INC-1/close`, { ...json, body: JSON.stringify({ note: 'x' }) })).status).toBe(400);
    const close = await fetch(`${url}/INC-1/close`, { ...json, body: JSON.stringify({ cause: 'spill', note: 'tank overflow' }) });
    expect(close.status).toBe(200);
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['incident_acknowledge', 'INC-1'],
      ['incident_close', 'INC-1'],
    ]);
    await new Promise((r) => server!.close(r));
    await service!.close$();
    const viewer = await start(user('viewer', 'country'));
    expect((await fetch(`${viewer.url}/INC-1/acknowledge`, { method: 'POST' })).status).toBe(403);
  });

  it('shows only the members and timeline entries in scope', () => {
    const i = {
      id: 'X',
      kind: 'river_spread' as const,
      severity: 'warning' as const,
      state: 'open' as const,
      zone: 'RIVERSIDE',
      startedAt: 0,
      updatedAt: 0,
      members: [
        { alertId: 'a', station: 'RS-A', parameter: 'COD', rule: 'threshold' as const, severity: 'warning' as const, joinedAt: 0 },
        { alertId: 'b', station: 'DT-A', parameter: 'COD', rule: 'threshold' as const, severity: 'warning' as const, joinedAt: 1 },
      ],
      timeline: [
        { at: 0, type: 'opened' as const, station: 'RS-A' },
        { at: 1, type: 'joined' as const, station: 'DT-A' },
        { at: 2, type: 'escalated' as const },
      ],
    };
    expect(scopedIncident(i, user('viewer', 'zone:DOWNTOWN'))?.timeline.map((t) => t.type)).toEqual(['joined', 'escalated']);
    expect(scopedIncident(i, user('viewer', 'zone:FARAWAY'))).toBeUndefined();
  });
});
