import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Subscription } from 'rxjs';
import { statusTopic, type Presence } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { connectPacket, rawClient, tryConnect, type RawClient } from '../helpers/mqtt.js';

const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';

describe('broker: station presence', () => {
  let centre: TestCentre | undefined;
  let sub: Subscription | undefined;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];
  afterEach(async () => {
    sub?.unsubscribe();
    for (const r of raws.splice(0)) r.socket.destroy();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
  });
  const watch = (): Array<Presence & { at: number }> => {
    const events: Array<Presence & { at: number }> = [];
    sub = centre!.broker.presence$.subscribe((p) => events.push({ ...p, at: Date.now() }));
    return events;
  };

  it("goes online on connect; offline at once when the gateway's socket is killed; the will or the connection says why", async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const events = watch();
    const r = await tryConnect(centre.mqttUrl, {
      ...centre.credentials(STATION),
      clientId: STATION,
      keepalive: 30,
      will: { topic: statusTopic(STATION), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    await vi.waitFor(() => expect(centre!.broker.presence(STATION)?.state).toBe('online'), { timeout: 5000, interval: 20 });
    expect(events).toEqual([expect.objectContaining({ station: STATION, state: 'online' })]);

    r.client.stream.destroy(); // the gateway dies: no DISCONNECT
    await vi.waitFor(() => expect(centre!.broker.presence(STATION)?.state).toBe('offline'), { timeout: 5000, interval: 20 });
    expect(events).toHaveLength(2);
    expect(['will', 'disconnect']).toContain(events[1]!.reason);
    expect(centre.broker.presenceSnapshot()).toEqual([expect.objectContaining({ station: STATION, state: 'offline' })]);
  });

  it('takes offline and online from the status topic, for each station of a multi-station gateway, and goes offline for all on disconnect without a will', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const events = watch();
    const creds = centre.broker.provision({ id: 'GW-YENPHONG', stations: [STATION, OTHER] });
    const r = await tryConnect(centre.mqttUrl, { ...creds, clientId: 'GW-YENPHONG' });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 5000, interval: 20 });
    await r.client.publishAsync(statusTopic(OTHER), JSON.stringify({ state: 'offline', ts: '2026-11-27T08:00:00+07:00' }), {
      qos: 1,
      retain: true,
    });
    expect(centre.broker.presence(OTHER)).toEqual({
      station: OTHER,
      state: 'offline',
      ts: Date.parse('2026-11-27T08:00:00+07:00'),
      reason: 'status',
    });
    await r.client.publishAsync(statusTopic(OTHER), JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    expect(centre.broker.presence(OTHER)?.state).toBe('online');
    await r.client.publishAsync(statusTopic(OTHER), 'not json', { qos: 1 }); // ignored, connection kept
    expect(r.client.connected).toBe(true);

    await r.client.endAsync(); // a clean DISCONNECT, no status message first
    await vi.waitFor(() => expect(centre!.broker.presence(STATION)?.state).toBe('offline'), { timeout: 5000, interval: 20 });
    expect(centre.broker.presence(OTHER)).toMatchObject({ state: 'offline', reason: 'disconnect' });
    expect(events.map((e) => `${e.station === STATION ? 'S' : 'O'}:${e.state}`)).toEqual([
      'S:online',
      'O:online',
      'O:offline',
      'O:online',
      'S:offline',
      'O:offline',
    ]);
  });

  it('a gateway gone silent (no packets, no FIN) goes offline within keepalive x 1.5', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const events = watch();
    const { username, password } = centre.credentials(STATION);
    const raw = await rawClient(centre.broker.port);
    raws.push(raw);
    const keepaliveS = 2;
    raw.socket.write(connectPacket({ clientId: `${STATION}:silent`, username, password, keepaliveS }));
    const connack = await raw.next(2);
    const connectedAt = Date.now();
    expect(connack.body[1]).toBe(0);
    await vi.waitFor(() => expect(centre!.broker.presence(STATION)?.state).toBe('online'), { timeout: 5000, interval: 20 });
    // Then nothing: the socket stays open but silent, like a gateway whose link died.
    await vi.waitFor(() => expect(centre!.broker.presence(STATION)?.state).toBe('offline'), { timeout: 10_000, interval: 20 });
    const offline = events.find((e) => e.state === 'offline')!;
    expect(offline.reason).toBe('disconnect');
    const elapsed = offline.at - connectedAt;
    // Aedes closes at 1.5 x keepalive after the last packet [MQTT-3.1.2-24]; 1 s of slack for a busy machine's timers.
    expect(elapsed).toBeGreaterThanOrEqual(keepaliveS * 1500 - 100);
    expect(elapsed).toBeLessThanOrEqual(keepaliveS * 1500 + 1000);
    await raw.closed;
  });

  it('holds keepalive 0 (none) and keepalives above MQTT_MAX_KEEPALIVE_S to the maximum', async () => {
    centre = await startTestCentre(inject('influxUrl'), { MQTT_MAX_KEEPALIVE_S: '1' });
    const { username, password } = centre.credentials(STATION);
    for (const keepaliveS of [0, 600]) {
      const raw = await rawClient(centre.broker.port);
      raws.push(raw);
      raw.socket.write(connectPacket({ clientId: `${STATION}:ka-${keepaliveS}`, username, password, keepaliveS }));
      expect((await raw.next(2)).body[1]).toBe(0);
      const t0 = Date.now();
      await raw.closed; // the broker closed the silent connection
      expect(Date.now() - t0).toBeLessThanOrEqual(1500 + 1000);
    }
  });
});
