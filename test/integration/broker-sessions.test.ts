import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { errorsTopic, readingsTopic, statusTopic, type Presence } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { connectPacket, rawClient, subscribePacket, tryConnect, type RawClient } from '../helpers/mqtt.js';

const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';
const ALERT_TOPIC = `alerts/YENPHONG/${STATION}`;

/** Aedes' persistence (aedes-persistence, in memory): what it holds for a client id. */
interface Persistence {
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
  subscriptionsByClient(client: { id: string }): Promise<unknown[]>;
}

describe('broker: client ids and sessions', () => {
  let centre: TestCentre | undefined;
  let logs: LogCapture;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];
  afterEach(async () => {
    for (const r of raws.splice(0)) r.socket.destroy();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
  });
  async function start(env: Record<string, string> = {}): Promise<TestCentre> {
    logs = captureLog();
    centre = await startTestCentre(inject('influxUrl'), { LOG_LEVEL: 'info', ...env }, { logDestination: logs.destination });
    return centre;
  }
  const refusals = async (kind: string): Promise<number> => {
    const m = (await centre!.broker.metrics.getMetricsAsJSON()).find((x) => x.name === 'quantrac_mqtt_refusals_total');
    return (m?.values.find((v) => v.labels.kind === kind)?.value as number | undefined) ?? 0;
  };
  const queueFull = async (): Promise<number> => {
    const m = (await centre!.broker.metrics.getMetricsAsJSON()).find((x) => x.name === 'quantrac_mqtt_queue_full_total');
    return (m?.values[0]?.value as number | undefined) ?? 0;
  };
  const persistence = (): Persistence => (centre!.broker.aedes as unknown as { persistence: Persistence }).persistence;
  const queued = async (id: string): Promise<number> => {
    let n = 0;
    for await (const _ of persistence().outgoingStream({ id })) n++;
    return n;
  };
  const connected = async (options: Parameters<typeof tryConnect>[1]): Promise<MqttClient> => {
    const r = await tryConnect(centre!.mqttUrl, options);
    if (!r.ok) throw new Error(`connect refused: ${r.message}`);
    clients.push(r.client);
    return r.client;
  };
  const raw = async (): Promise<RawClient> => {
    const r = await rawClient(centre!.broker.port);
    raws.push(r);
    return r;
  };

  it("refuses (CONNACK 2) a client id of another account, so it cannot take over that gateway's session, and logs and counts it", async () => {
    await start();
    const presence: Presence[] = [];
    const sub = centre!.broker.presence$.subscribe((p) => presence.push(p));
    try {
      // The victim: a gateway with a persistent session and an offline will, as PROTOCOL.md asks.
      const victim = await connected({
        ...centre!.credentials(OTHER),
        clientId: OTHER,
        clean: false,
        keepalive: 30,
        will: { topic: statusTopic(OTHER), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
      });
      let victimCloses = 0;
      victim.on('close', () => victimCloses++);
      await victim.subscribeAsync(errorsTopic(OTHER), { qos: 1 });
      await vi.waitFor(() => expect(centre!.broker.presence(OTHER)?.state).toBe('online'), { timeout: 5000, interval: 20 });

      // Another station's (valid) account tries the victim's client id, again and again, and
      // ids that only look like the victim's own.
      const attempts = [OTHER, OTHER, OTHER, `${OTHER}:sim`, `${OTHER}/x`, `sim-${STATION}`, `${STATION}-2`];
      for (const clientId of attempts) {
        expect(await tryConnect(centre!.mqttUrl, { ...centre!.credentials(STATION), clientId, clean: false }), clientId).toMatchObject({
          ok: false,
          code: 2,
        });
      }

      // The victim was never disconnected: no will, presence never went offline, its session works.
      expect(victimCloses).toBe(0);
      expect(victim.connected).toBe(true);
      expect(centre!.broker.presence(OTHER)?.state).toBe('online');
      expect(presence.filter((p) => p.station === OTHER).map((p) => p.state)).toEqual(['online']);
      const notices: string[] = [];
      victim.on('message', (topic) => notices.push(topic));
      await victim.publishAsync(
        readingsTopic(OTHER),
        JSON.stringify({ station: OTHER, ts: Date.now(), seq: 1, readings: [{ parameter: 'NOPE', value: 1, unit: 'x', status: '00' }] }),
        { qos: 1 },
      );
      await vi.waitFor(() => expect(notices).toEqual([errorsTopic(OTHER)]), { timeout: 5000, interval: 20 });

      const events = logs.lines('client id not owned');
      expect(events).toHaveLength(attempts.length);
      events.forEach((e, i) =>
        expect(e).toMatchObject({ event: 'security', address: '127.0.0.1', account: STATION, clientId: attempts[i] }),
      );
      expect(await refusals('client_id_not_owned')).toBe(attempts.length);
    } finally {
      sub.unsubscribe();
    }
  });

  it('accepts the account id itself, or it followed by ":" or "/"; an empty client id only with a clean session', async () => {
    await start();
    const creds = centre!.credentials(STATION);
    for (const clientId of [STATION, `${STATION}:sim`, `${STATION}/logger-2`]) await connected({ ...creds, clientId });
    const ops = centre!.subscriberCredentials('ops');
    await connected({ ...ops, clientId: 'ops' });
    await connected({ ...ops, clientId: 'ops:2' });

    // Empty: the broker assigns a unique id, which no one else can use; [MQTT-3.1.3-8] wants a clean session.
    const clean = await raw();
    clean.socket.write(connectPacket({ clientId: '', ...creds, keepaliveS: 30 }));
    expect((await clean.next(2)).body[1]).toBe(0);
    const persistent = await raw();
    persistent.socket.write(connectPacket({ clientId: '', ...creds, keepaliveS: 30, clean: false }));
    expect((await persistent.next(2)).body[1]).toBe(2);
    await persistent.closed;
    expect(await refusals('client_id_empty')).toBe(1);
    expect(await refusals('client_id_not_owned')).toBe(0);
  });

  it('gives a subscriber asking for a persistent session a clean one: nothing is queued for it offline or awaiting its PUBACK', async () => {
    await start();
    const { username, password } = centre!.subscriberCredentials('ops');
    const clientId = 'ops:persistent';

    // Connected, subscribed, reading every alert but never acknowledging one.
    const silent = await raw();
    silent.socket.write(connectPacket({ clientId, username, password, keepaliveS: 60, clean: false }));
    const connack = await silent.next(2);
    expect([...connack.body]).toEqual([0, 0]); // no session present, accepted
    silent.socket.write(subscribePacket(1, 'alerts/#'));
    expect((await silent.next(9)).body[2]).toBe(1);
    for (let i = 0; i < 20; i++) await centre!.broker.publish(ALERT_TOPIC, JSON.stringify({ n: i }));
    await vi.waitFor(() => expect(silent.packets.filter((p) => p.type === 3)).toHaveLength(20), { timeout: 5000, interval: 20 });
    expect(await queued(clientId)).toBe(0);

    // Gone (no DISCONNECT), then more alerts: none is kept for it.
    silent.socket.destroy();
    await vi.waitFor(() => expect(centre!.broker.aedes.connectedClients).toBe(0), { timeout: 5000, interval: 20 });
    for (let i = 20; i < 40; i++) await centre!.broker.publish(ALERT_TOPIC, JSON.stringify({ n: i }));
    expect(await queued(clientId)).toBe(0);
    expect(await persistence().subscriptionsByClient({ id: clientId })).toEqual([]);

    // Back with clean = false: no session, nothing replayed; alerts from now on arrive live.
    const back = await connected({ username, password, clientId, clean: false });
    const got: number[] = [];
    back.on('message', (_topic, payload) => got.push((JSON.parse(payload.toString()) as { n: number }).n));
    await back.subscribeAsync('alerts/#', { qos: 1 });
    await centre!.broker.publish(ALERT_TOPIC, JSON.stringify({ n: 99 }));
    await vi.waitFor(() => expect(got).toContain(99), { timeout: 5000, interval: 20 });
    expect(got).toEqual([99]);
    expect(logs.lines('gets a clean one')).toHaveLength(2);
  });

  /** The gateway connects with clean session 0, subscribes to its errors topic, and drops off without a DISCONNECT. */
  const awayWithPersistentSession = async (): Promise<{ username: string; password: string }> => {
    const { username, password } = centre!.credentials(STATION);
    const first = await raw();
    first.socket.write(connectPacket({ clientId: STATION, username, password, keepaliveS: 30, clean: false }));
    expect([...(await first.next(2)).body]).toEqual([0, 0]);
    first.socket.write(subscribePacket(1, errorsTopic(STATION)));
    expect((await first.next(9)).body[2]).toBe(1);
    first.socket.destroy();
    await vi.waitFor(() => expect(centre!.broker.aedes.connectedClients).toBe(0), { timeout: 5000, interval: 20 });
    return { username, password };
  };

  it("keeps a gateway's persistent session (its own errors topic only)", async () => {
    await start();
    const { username, password } = await awayWithPersistentSession();
    expect(await persistence().subscriptionsByClient({ id: STATION })).toEqual([
      expect.objectContaining({ topic: errorsTopic(STATION), qos: 1 }),
    ]);

    const again = await raw();
    again.socket.write(connectPacket({ clientId: STATION, username, password, keepaliveS: 30, clean: false }));
    expect([...(await again.next(2)).body]).toEqual([1, 0]); // session present [MQTT-3.2.2-2]
  });

  it('holds at most MQTT_MAX_QUEUED notices for a gateway away with a persistent session; the rest are counted and logged once, and acknowledged ones make room', async () => {
    await start({ MQTT_MAX_QUEUED: '5' });
    const { username, password } = await awayWithPersistentSession();

    // Eight bad messages from another connection of the same gateway: eight notices.
    const publisher = await connected({ clientId: `${STATION}:second`, username, password });
    for (let i = 0; i < 8; i++) await publisher.publishAsync(readingsTopic(STATION), `not json ${i}`, { qos: 1 });
    await vi.waitFor(async () => expect(await queueFull()).toBe(3), { timeout: 5000, interval: 20 });
    expect(await queued(STATION)).toBe(5);
    expect(logs.lines('queue of unacknowledged QoS 1 messages is full')).toMatchObject([{ clientId: STATION, maxQueued: 5 }]);

    // Back: the five are delivered and acknowledged (mqtt.js PUBACKs them), which makes room.
    const got: string[] = [];
    const back = await connected({ clientId: STATION, username, password, clean: false });
    back.on('message', (_topic, payload) => got.push(payload.toString()));
    await vi.waitFor(() => expect(got).toHaveLength(5), { timeout: 5000, interval: 20 });
    await vi.waitFor(async () => expect(await queued(STATION)).toBe(0), { timeout: 5000, interval: 20 });
    await publisher.publishAsync(readingsTopic(STATION), 'not json again', { qos: 1 });
    await vi.waitFor(() => expect(got).toHaveLength(6), { timeout: 5000, interval: 20 });
    expect(await queueFull()).toBe(3);
  });
});
