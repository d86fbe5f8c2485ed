import { afterEach, describe, expect, inject, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { readingsTopic, type Station } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { tryConnect, type ConnectResult } from '../helpers/mqtt.js';

/**
 * Logins in parallel bursts (docs/SECURITY.md, "Login throttling"): each attempt is reserved
 * before its secret is checked, so a burst gets no more checks than a sequence; the checks
 * themselves are bounded, so a burst never delays a gateway's PUBACK.
 */

const STATION = 'BN-YENPHONG-F001-NT1';

describe('logins in parallel bursts', () => {
  let centre: TestCentre | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
  });
  const keep = (r: ConnectResult): ConnectResult => {
    if (r.ok) clients.push(r.client);
    return r;
  };
  const metric = async (name: string, label: string): Promise<number> => {
    const m = (await centre!.metrics.getMetricsAsJSON()).find((x) => x.name === name);
    return (m?.values.find((v) => Object.values(v.labels).includes(label))?.value as number | undefined) ?? 0;
  };
  const dashboardLogin = (username: string, password: string, from?: string): Promise<Response> =>
    fetch(`${centre!.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: {
        origin: new URL(centre!.dashboardUrl).origin,
        'content-type': 'application/json',
        ...(from ? { 'x-forwarded-for': from } : {}),
      },
      body: JSON.stringify({ username, password }),
    });

  it('200 parallel CONNECTs from one address: at most MQTT_AUTH_MAX_FAILURES_PER_MIN secrets checked, the right one among the last refused', async () => {
    centre = await startTestCentre(inject('influxUrl'), { MQTT_AUTH_MAX_FAILURES_PER_MIN: '10' });
    const { username, password } = centre.credentials(STATION);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i === 195
          ? tryConnect(centre!.mqttUrl, { username, password, clientId: `${STATION}:burst`, localAddress: '127.0.0.3' })
          : tryConnect(centre!.mqttUrl, { username, password: `guess-${i}`, clientId: `guess-${i}`, localAddress: '127.0.0.3' }),
      ).map((p) => p.then(keep)),
    );
    const checked = await metric('quantrac_mqtt_auth_failures_total', 'bad_password');
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(10);
    expect(results[195]).toMatchObject({ ok: false, code: 5 }); // it waited for the checks in flight, then met the block
    const codes = results.map((r) => (r.ok ? 0 : r.code));
    expect(codes.filter((c) => c === 4)).toHaveLength(checked);
    expect(codes.every((c) => c === 3 || c === 4 || c === 5)).toBe(true);
    expect(await metric('quantrac_mqtt_auth_failures_total', 'throttled')).toBe(200 - checked);
  });

  it('100 parallel dashboard logins from one address: at most DASHBOARD_LOGIN_MAX_FAILURES passwords checked, the right one refused', async () => {
    centre = await startTestCentre(inject('influxUrl'), { DASHBOARD_LOGIN_MAX_FAILURES: '10' });
    await centre.dashboard.users.add('inspector', 'viewer', 'inspector password');
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => dashboardLogin('inspector', i === 95 ? 'inspector password' : `guess number ${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(10);
    expect(statuses[95]).toBe(429);
    expect(statuses.filter((s) => s === 200)).toHaveLength(0);
    expect(await metric('quantrac_dashboard_login_refusals_total', 'throttled')).toBe(statuses.filter((s) => s === 429).length);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });

  it('ten wrong passwords for admin from address A lock A for admin; the right password from address B logs in at once', async () => {
    centre = await startTestCentre(inject('influxUrl'), { DASHBOARD_TRUST_PROXY: 'true' });
    await centre.dashboard.users.add('admin', 'admin', 'the admin password');
    for (let i = 0; i < 10; i++) expect((await dashboardLogin('admin', `wrong ${i}`, '203.0.113.10')).status).toBe(401);
    const fromA = await dashboardLogin('admin', 'the admin password', '203.0.113.10');
    expect(fromA.status).toBe(429);
    expect(Number(fromA.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await dashboardLogin('admin', 'the admin password', '198.51.100.11')).status).toBe(200);
  });

  it(
    "a gateway's PUBACK p99 stays under 500 ms while 200 unauthenticated CONNECTs from 200 addresses are checked",
    { timeout: 60_000 },
    async () => {
      // The production scrypt cost, so each check of the burst costs what it would in the field.
      centre = await startTestCentre(inject('influxUrl'), { MQTT_AUTH_SCRYPT_COST: '16384' });
      const station: Station = centre.catalogue.station(STATION)!;
      const gw = keep(await tryConnect(centre.mqttUrl, { ...centre.credentials(STATION), clientId: `${STATION}:gw` }));
      if (!gw.ok) throw new Error(`gateway refused: ${gw.message}`);
      const p = station.parameters[0]!;
      const publishOnce = async (seq: number): Promise<number> => {
        const message = {
          station: station.id,
          ts: Date.now(),
          seq,
          readings: [{ parameter: p.parameter, value: seq, unit: p.unit, status: '00' }],
        };
        const start = performance.now();
        await gw.client.publishAsync(readingsTopic(station.id), JSON.stringify(message), { qos: 1 });
        return performance.now() - start;
      };
      await publishOnce(0);

      // Messages at a steady pace (every 20 ms) while the burst runs, so a stall shows in many samples, not in one.
      const pending: Array<Promise<number>> = [];
      let seq = 0;
      const pacer = setInterval(() => pending.push(publishOnce(++seq)), 20);
      const burst = Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          tryConnect(centre!.mqttUrl, {
            username: `NOBODY-${i}`,
            password: `wrong-${i}`,
            clientId: `nobody-${i}`,
            localAddress: `127.0.1.${i + 1}`,
          }).then(keep),
        ),
      );
      const results = await burst.finally(() => clearInterval(pacer));
      const latencies = await Promise.all(pending);
      expect(latencies.length).toBeGreaterThan(10);

      expect(results.every((r) => !r.ok)).toBe(true);
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.floor(0.99 * (latencies.length - 1))]!;
      expect(p99, `PUBACK p99 ${p99.toFixed(0)} ms over ${latencies.length} messages`).toBeLessThan(500);
    },
  );
});
