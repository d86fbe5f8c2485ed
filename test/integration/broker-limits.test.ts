import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createBroker, type Broker } from '../../broker/index.js';
import { readingsTopic, type Station } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings } from '../helpers/influx-query.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { connectPacket, rawClient, subscribePacket, tryConnect, type RawClient } from '../helpers/mqtt.js';

const STATION = 'BN-YENPHONG-F001-NT1';

function message(station: Station, seq: number): string {
  const p = station.parameters[0]!;
  return JSON.stringify({
    station: station.id,
    ts: Date.now() - seq,
    seq,
    readings: [{ parameter: p.parameter, value: 1, unit: p.unit, status: '00' }],
  });
}

describe('broker: limits and listeners', () => {
  let dir: string;
  let centre: TestCentre | undefined;
  let broker: Broker | undefined;
  let logs: LogCapture;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-tls-'));
    // A self-signed certificate for 127.0.0.1, made here (openssl is in scripts/test.sh's list).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const r of raws.splice(0)) r.socket.destroy();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
    await broker?.close();
    broker = undefined;
  });
  async function start(env: Record<string, string> = {}): Promise<TestCentre> {
    logs = captureLog();
    centre = await startTestCentre(inject('influxUrl'), { LOG_LEVEL: 'info', ...env }, { logDestination: logs.destination });
    return centre;
  }
  async function gateway(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
    const r = await tryConnect(url, { ...centre!.credentials(STATION), clientId: `${STATION}:${clients.length}`, ...options });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    return r.client;
  }

  it('closes a connection sending a packet over 256 KiB plus headers, and logs it; 256 KiB itself passes', async () => {
    await start();
    const gw = await gateway(centre!.mqttUrl);
    await gw.publishAsync(readingsTopic(STATION), Buffer.alloc(256 * 1024, 0x20), { qos: 1 }); // acknowledged (and rejected by ingest)
    const closed = new Promise<void>((resolve) => gw.once('close', () => resolve()));
    gw.publish(readingsTopic(STATION), Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    await closed;
    const lines = logs.lines('packet too large');
    expect(lines).toEqual([
      expect.objectContaining({ address: '127.0.0.1', clientId: `${STATION}:0`, account: STATION, maxBytes: 256 * 1024 + 1024 }),
    ]);

    // A header declaring 200 MB is refused on sight: the body is never sent, the socket still closes.
    const raw = await rawClient(centre!.broker.port);
    raws.push(raw);
    const { username, password } = centre!.credentials(STATION);
    raw.socket.write(connectPacket({ clientId: `${STATION}:raw-big`, username, password, keepaliveS: 30 }));
    expect((await raw.next(2)).body[1]).toBe(0);
    raw.socket.write(Buffer.from([0x30, 0x80, 0x80, 0xe0, 0x5f])); // PUBLISH, Remaining Length 200,278,016
    await raw.closed;
    expect(logs.lines('packet too large')).toHaveLength(2);
  });

  it('accepts MQTT over TLS with a self-signed certificate made by openssl; plain MQTT to the TLS port fails cleanly', async () => {
    await start({ MQTT_TLS_PORT: '0', MQTT_TLS_CERT: join(dir, 'cert.pem'), MQTT_TLS_KEY: join(dir, 'key.pem') });
    const tlsUrl = `mqtts://127.0.0.1:${centre!.broker.tlsPort}`;
    const ca = await readFile(join(dir, 'cert.pem'));

    const plain = await tryConnect(`mqtt://127.0.0.1:${centre!.broker.tlsPort}`, {
      ...centre!.credentials(STATION),
      clientId: `${STATION}:plain`,
      connectTimeout: 5000,
    });
    expect(plain.ok).toBe(false);
    await vi.waitFor(() => expect(logs.lines('TLS handshake failed')).toHaveLength(1), { timeout: 5000, interval: 20 });

    const untrusted = await tryConnect(tlsUrl, { ...centre!.credentials(STATION), clientId: `${STATION}:untrusted` });
    expect(untrusted.ok).toBe(false); // the client checks the certificate by default

    const gw = await gateway(tlsUrl, { ca });
    await gw.publishAsync(readingsTopic(STATION), message(centre!.catalogue.station(STATION)!, 1), { qos: 1 });
    await vi.waitFor(async () => expect(await countReadings(centre!.influx)).toBe(1), { timeout: 10_000, interval: 100 });
    // Credentials are checked on TLS as on TCP.
    expect(await tryConnect(tlsUrl, { ca, username: STATION, password: 'wrong', clientId: 'tls-wrong' })).toMatchObject({
      ok: false,
      code: 4,
    });
  });

  it('accepts MQTT over WebSocket', async () => {
    await start({ MQTT_WS_PORT: '0' });
    const gw = await gateway(`ws://127.0.0.1:${centre!.broker.wsPort}/mqtt`);
    await gw.publishAsync(readingsTopic(STATION), message(centre!.catalogue.station(STATION)!, 1), { qos: 1 });
    await vi.waitFor(async () => expect(await countReadings(centre!.influx)).toBe(1), { timeout: 10_000, interval: 100 });
    expect(
      await tryConnect(`ws://127.0.0.1:${centre!.broker.wsPort}/mqtt`, { username: STATION, password: 'wrong', clientId: 'ws-wrong' }),
    ).toMatchObject({ ok: false, code: 4 });
  });

  it("drops a subscriber that stops reading, while a gateway's publishes keep being acknowledged", async () => {
    await start({ MQTT_MAX_OUTBOUND_BYTES: String(256 * 1024) });
    const { username, password } = centre!.subscriberCredentials('frozen');
    const frozen = await rawClient(centre!.broker.port);
    raws.push(frozen);
    frozen.socket.write(connectPacket({ clientId: 'frozen', username, password, keepaliveS: 60 }));
    await frozen.next(2);
    frozen.socket.write(subscribePacket(1, 'alerts/#'));
    expect((await frozen.next(9)).body[2]).toBe(1);
    frozen.socket.pause(); // never reads again

    const gw = await gateway(centre!.mqttUrl);
    const alert = Buffer.alloc(32 * 1024, 0x41);
    let acked = 0;
    // Alerts pile up for the frozen reader (loopback buffers hold a few MB) while the gateway publishes.
    for (let i = 0; i < 400 && !frozen.socket.destroyed; i++) {
      await centre!.broker.publish(`alerts/YENPHONG/${STATION}`, alert);
      if (i % 20 === 0) {
        await gw.publishAsync(readingsTopic(STATION), message(centre!.catalogue.station(STATION)!, i), { qos: 1 });
        acked++;
      }
    }
    await vi.waitFor(() => expect(logs.lines('slow consumer')).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(logs.lines('slow consumer')[0]).toMatchObject({ clientId: 'frozen', account: 'frozen', address: '127.0.0.1' });
    await gw.publishAsync(readingsTopic(STATION), message(centre!.catalogue.station(STATION)!, 999), { qos: 1 });
    expect(acked).toBeGreaterThan(0);
  });

  it('admits at most MQTT_MAX_INFLIGHT messages of one client at once; the rest wait, none is lost', async () => {
    logs = captureLog();
    const credentialsFile = join(dir, 'inflight-credentials.json');
    let current = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => (id === STATION ? ({ id } as Station) : undefined) },
      credentialsFile,
      auth: { scryptCost: 1024 },
      limits: { maxInflight: 3 },
      log: logs.log,
      admit: () => {
        current++;
        peak = Math.max(peak, current);
        return new Promise((resolve) =>
          release.push(() => {
            current--;
            resolve({ accepted: 1, rejected: 0 });
          }),
        );
      },
    });
    const r = await tryConnect(`mqtt://127.0.0.1:${broker.port}`, { ...broker.provision({ id: STATION }), clientId: STATION });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    const acks = Array.from({ length: 10 }, (_, i) => r.client.publishAsync(readingsTopic(STATION), `{"n":${i}}`, { qos: 1 }));
    await vi.waitFor(() => expect(current).toBe(3), { timeout: 5000, interval: 10 });
    let settled = 0;
    for (const a of acks) void a.then(() => settled++);
    while (settled < 10) {
      await vi.waitFor(() => expect(release.length).toBeGreaterThan(0), { timeout: 5000, interval: 5 });
      release.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(peak).toBe(3);
  });
});
