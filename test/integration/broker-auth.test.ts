import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createCredentialStore, credentialsFileIn, runGatewayCommand } from '../../broker/index.js';
import { statusTopic } from '../../core/index.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { captureLog } from '../helpers/log-capture.js';
import { tryConnect } from '../helpers/mqtt.js';

const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';

describe('broker: gateway authentication', () => {
  let centre: TestCentre | undefined;
  const clients: MqttClient[] = [];
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
  });
  const keep = (c: MqttClient): MqttClient => {
    clients.push(c);
    return c;
  };
  const metric = async (name: string, label: string): Promise<number> => {
    const m = (await centre!.broker.metrics.getMetricsAsJSON()).find((x) => x.name === name);
    return (m?.values.find((v) => Object.values(v.labels).includes(label))?.value as number | undefined) ?? 0;
  };

  it('connects with the right secret; CONNACK 4 for a wrong one or an unknown user, 5 for a disabled gateway, 2 for an overlong client id', async () => {
    // Polling for the CLI's change below fails a few logins: keep the throttle out of the way.
    centre = await startTestCentre(inject('influxUrl'), { MQTT_AUTH_MAX_FAILURES_PER_MIN: '1000' });
    const url = centre.mqttUrl;
    // An account made the way an operator does, with the CLI, while the centre runs.
    const store = createCredentialStore({ file: credentialsFileIn(centre.dataDir), cost: 1024 });
    let printed = '';
    await runGatewayCommand(
      ['add', STATION],
      {},
      {
        store,
        catalogue: async () => centre!.catalogue,
        out: (t) => {
          printed += t;
        },
      },
    );
    const secret = /password {2}(\S+)/.exec(printed)![1]!;

    const good = await vi.waitFor(
      async () => {
        const r = await tryConnect(url, { username: STATION, password: secret, clientId: STATION });
        if (!r.ok) throw new Error(`not yet: ${r.message}`);
        return r.client;
      },
      { timeout: 10_000, interval: 250 },
    );
    keep(good);
    const unknownBefore = await metric('quantrac_mqtt_auth_failures_total', 'unknown_user'); // the polling's

    expect(await tryConnect(url, { username: STATION, password: `${secret}x`, clientId: 'gw-wrong' })).toMatchObject({
      ok: false,
      code: 4,
    });
    expect(await tryConnect(url, { username: 'NO-SUCH-GATEWAY', password: secret, clientId: 'gw-unknown' })).toMatchObject({
      ok: false,
      code: 4,
    });
    expect(await tryConnect(url, { clientId: 'gw-anonymous' })).toMatchObject({ ok: false, code: 4 });
    expect(await tryConnect(url, { username: STATION, password: secret, clientId: 'x'.repeat(200) })).toMatchObject({ ok: false, code: 2 });

    // Disabling closes the live connection and refuses the next login with 5.
    const closed = new Promise<void>((resolve) => good.once('close', () => resolve()));
    await runGatewayCommand(['disable', STATION], {}, { store, catalogue: async () => centre!.catalogue, out: () => undefined });
    await closed;
    expect(await tryConnect(url, { username: STATION, password: secret, clientId: `${STATION}:disabled` })).toMatchObject({
      ok: false,
      code: 5,
    });
    expect(await metric('quantrac_mqtt_auth_failures_total', 'disabled')).toBe(1);
    expect(await metric('quantrac_mqtt_auth_failures_total', 'bad_password')).toBe(1);
    expect(await metric('quantrac_mqtt_auth_failures_total', 'unknown_user')).toBe(unknownBefore + 1);
  });

  it('throttles twenty failed logins from one address in a minute; a good login from another address still works', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const url = centre.mqttUrl;
    const { username, password } = centre.credentials(STATION);
    const codes: Array<number | undefined> = [];
    for (let i = 0; i < 20; i++) {
      const r = await tryConnect(url, { username, password: `guess-${i}`, clientId: `guess-${i}`, localAddress: '127.0.0.1' });
      expect(r.ok).toBe(false);
      codes.push(r.ok ? 0 : r.code);
    }
    // The first ten are checked (4); from then on the address is refused unchecked (5).
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(4));
    expect(codes.slice(10)).toEqual(Array(10).fill(5));
    expect(await tryConnect(url, { username, password, clientId: 'right-but-throttled', localAddress: '127.0.0.1' })).toMatchObject({
      ok: false,
      code: 5,
    });

    const other = await tryConnect(url, { username, password, clientId: `${STATION}:elsewhere`, localAddress: '127.0.0.2' });
    expect(other.ok).toBe(true);
    if (other.ok) keep(other.client);
    expect(await metric('quantrac_mqtt_auth_failures_total', 'bad_password')).toBe(10);
    expect(await metric('quantrac_mqtt_auth_failures_total', 'throttled')).toBe(11);
  });

  it('logs every refusal with the client address, and no secret ever', { timeout: 60_000 }, async () => {
    const logs = captureLog();
    centre = await startTestCentre(
      inject('influxUrl'),
      { LOG_LEVEL: 'trace', MQTT_AUTH_MAX_FAILURES_PER_MIN: '1000' },
      { logDestination: logs.destination },
    );
    const url = centre.mqttUrl;
    const secrets: string[] = [];
    const store = createCredentialStore({ file: credentialsFileIn(centre.dataDir), cost: 1024 });
    let printed = '';
    const ctx = {
      store,
      catalogue: async () => centre!.catalogue,
      out: (t: string) => {
        printed += t;
      },
    };
    await runGatewayCommand(['add', 'GW-MULTI', STATION, OTHER], {}, ctx);
    await runGatewayCommand(['rotate', 'GW-MULTI'], {}, ctx);
    await runGatewayCommand(['add', 'ops'], { role: 'subscriber' }, ctx);
    secrets.push(...[...printed.matchAll(/password {2}(\S+)/g)].map((m) => m[1]!));
    expect(secrets).toHaveLength(3);
    const gwSecret = secrets[1]!;

    const c = await vi.waitFor(
      async () => {
        const r = await tryConnect(url, { username: 'GW-MULTI', password: gwSecret, clientId: 'GW-MULTI' });
        if (!r.ok) throw new Error(r.message);
        return r.client;
      },
      { timeout: 10_000, interval: 250 },
    );
    keep(c);
    await c.publishAsync(statusTopic(OTHER), JSON.stringify({ state: 'online' }), { qos: 1, retain: true });

    const wrong = 'Wr0ng-but-secret-looking-password';
    secrets.push(wrong, secrets[0]!);
    expect(await tryConnect(url, { username: 'GW-MULTI', password: wrong, clientId: 'multi-wrong' })).toMatchObject({ ok: false, code: 4 });
    expect(await tryConnect(url, { username: 'GW-MULTI', password: secrets[0]!, clientId: 'multi-old' })).toMatchObject({
      ok: false,
      code: 4,
    });

    // Simulated gateways with in-memory credentials, at trace level, publishing.
    sim = startSimulator({ url, catalogue: centre.catalogue, stations: 3, messages: 2, intervalMs: 20, credentials: centre.credentials });
    await sim.done;
    for (const s of centre.catalogue.stations.slice(0, 3)) secrets.push(centre.credentials(s).password);

    const text = logs.text();
    expect(text.length).toBeGreaterThan(1000);
    for (const s of secrets) expect(text, 'a secret reached the log').not.toContain(s);
    const refusals = logs.lines('login refused');
    // The unknown-user ones are the polling above, before the centre read the CLI's change.
    expect(refusals.filter((r) => r.reason === 'bad_password')).toHaveLength(2);
    for (const r of refusals) expect(r.address).toBe('127.0.0.1');
  });
});
