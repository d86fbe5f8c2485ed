import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readingsTopic, type Alert } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { sessionFor, type DashboardSession } from '../helpers/dashboard-session.js';

/**
 * Access by level on a real centre (InfluxDB, MQTT, the alerts engine): a Bắc Ninh operator
 * and a Hà Nội facility viewer see the data of their own stations only, from the database and
 * the engine, and what is out of scope answers as what does not exist (docs/SECURITY.md).
 */
describe('access by level on a running centre', () => {
  let centre: TestCentre;
  let bacNinh: DashboardSession;
  let company: DashboardSession;
  let bn: string;
  let hn: string;
  const clients: MqttClient[] = [];

  const session = async (name: string, role: 'viewer' | 'operator', scope: string[]): Promise<DashboardSession> => {
    const { password } = await centre.dashboard.users.add(name, role, undefined, scope);
    return sessionFor(centre.dashboardUrl, name, password);
  };

  /** Five minutes of COD at twice the limit from a station's gateway: stored, and a threshold alert raised. */
  const exceed = async (station: string): Promise<void> => {
    const limit = centre.catalogue.limitAt(station, 'COD', new Date())!.max;
    const client = await mqtt.connectAsync(centre.mqttUrl, { ...centre.credentials(station), clientId: `${station}:scope` });
    clients.push(client);
    const now = Date.now();
    for (let i = 30; i >= 0; i--) {
      const readings = [{ parameter: 'COD', value: 2 * limit, unit: 'mg/L', status: '00' }];
      await client.publishAsync(readingsTopic(station), JSON.stringify({ station, ts: now - i * 10_000, readings }), { qos: 1 });
    }
  };

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const withCod = (province: string) =>
      centre.catalogue.stations.find(
        (s) =>
          centre.catalogue.zoneOf(s.id)?.province === province &&
          s.parameters.some((p) => p.parameter === 'COD') &&
          centre.catalogue.limitAt(s.id, 'COD', new Date()) !== undefined,
      )!.id;
    bn = withCod('Bắc Ninh');
    hn = withCod('Hà Nội');
    const facility = centre.catalogue.station(hn)!.facilityId;
    [bacNinh, company] = await Promise.all([
      session('scope.bn', 'operator', ['province:Bắc Ninh']),
      session('scope.cty', 'viewer', [`facility:${facility}`]),
    ]);
    await Promise.all([exceed(bn), exceed(hn)]);
    const ids = [`${bn}|COD|threshold`, `${hn}|COD|threshold`];
    await vi.waitFor(() => expect(centre.alerts.open().map((a) => a.id)).toEqual(expect.arrayContaining(ids)), {
      timeout: 20_000,
      interval: 200,
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
    await centre?.close();
  });

  it('history CSV from InfluxDB for a station in scope; the other province station is 404 as an unknown one', async () => {
    await vi.waitFor(
      async () => {
        const csv = await bacNinh.fetch(`/api/history.csv?station=${bn}&parameter=COD&from=${Date.now() - 3_600_000}`);
        expect(csv.status).toBe(200);
        expect((await csv.text()).split('\r\n').filter((l) => l.includes(bn)).length).toBeGreaterThanOrEqual(31);
      },
      { timeout: 15_000, interval: 300 },
    );
    const hidden = await bacNinh.fetch(`/api/history.csv?station=${hn}`);
    const unknown = await bacNinh.fetch('/api/history.csv?station=NO-SUCH-1');
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { code: string }).code).toBe(((await unknown.json()) as { code: string }).code);
    expect((await company.fetch(`/api/history?station=${hn}&parameter=COD`)).status).toBe(200);
    expect((await company.fetch(`/api/history?station=${bn}&parameter=COD`)).status).toBe(404);
  });

  it('the alerts engine lists only alerts in scope; acknowledging another province alert is 404 and leaves it firing', async () => {
    const stations = async (s: DashboardSession) =>
      ((await (await s.fetch('/api/alerts')).json()) as { alerts: Alert[] }).alerts.map((a) => a.station);
    expect(new Set(await stations(bacNinh))).toEqual(new Set([bn]));
    expect(new Set(await stations(company))).toEqual(new Set([hn]));
    const other = await bacNinh.fetch(`/api/alerts/${encodeURIComponent(`${hn}|COD|threshold`)}/acknowledge`, { json: {} });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('ERR_NO_ALERT');
    expect(centre.alerts.open().find((a) => a.id === `${hn}|COD|threshold`)?.state).toBe('firing');
    expect((await company.fetch(`/api/alerts/${encodeURIComponent(`${hn}|COD|threshold`)}/acknowledge`, { json: {} })).status).toBe(403);
    const own = await bacNinh.fetch(`/api/alerts/${encodeURIComponent(`${bn}|COD|threshold`)}/acknowledge`, { json: {} });
    expect(own.status).toBe(200);
  });

  it('reports of the station in scope answer; of the other province 404', async () => {
    expect((await bacNinh.fetch(`/api/reports/stations/${bn}/day`)).status).toBe(200);
    expect((await bacNinh.fetch(`/api/reports/stations/${hn}/day`)).status).toBe(404);
    const zone = centre.catalogue.zoneOf(hn)!.id;
    expect((await bacNinh.fetch(`/api/reports/zones/${zone}/day`)).status).toBe(404);
    const partial = (await (await company.fetch(`/api/reports/zones/${zone}/day`)).json()) as {
      stations: Array<{ station: { id: string } }>;
    };
    expect(partial.stations.map((s) => s.station.id)).toEqual(
      centre.catalogue.stations.filter((s) => s.facilityId === centre.catalogue.station(hn)!.facilityId).map((s) => s.id),
    );
  });
});
