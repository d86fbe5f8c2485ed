import { afterEach, describe, expect, it, vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker, type Broker } from '../../broker/index.js';
import { readingsTopic, statusTopic, type Presence, type Station } from '../../core/index.js';
import { publishPacket } from '../../bench/mqtt-wire.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { connectPacket, rawClient, type RawClient } from '../helpers/mqtt.js';

/** Protocol violations a gateway's packets may carry, written by hand (mqtt.js would never send them). */

const STATION = 'BN-YENPHONG-F001-NT1';
const CONNACK = 2;
const PUBACK = 4;
const PUBREC = 5;

const closedSoon = (raw: RawClient): Promise<void> =>
  vi.waitFor(() => expect(raw.socket.destroyed, 'the broker closed the connection').toBe(true), { timeout: 5000, interval: 10 });

describe('broker: protocol violations', () => {
  let broker: Broker | undefined;
  let logs: LogCapture;
  let admitted = 0;
  const raws: RawClient[] = [];
  afterEach(async () => {
    for (const r of raws.splice(0)) r.socket.destroy();
    await broker?.close();
    broker = undefined;
  });
  async function start(): Promise<Broker> {
    logs = captureLog('info');
    admitted = 0;
    broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => ({ id }) as Station },
      credentialsFile: join(tmpdir(), `quantrac-none-${process.pid}.json`),
      auth: { scryptCost: 1024 },
      log: logs.log,
      admit: () => {
        admitted++;
        return Promise.resolve({ accepted: 1, rejected: 0 });
      },
    });
    return broker;
  }
  async function gateway(clientId: string, will?: { topic: string; payload: string }): Promise<RawClient> {
    const { username, password } = broker!.provision({ id: STATION });
    const raw = await rawClient(broker!.port);
    raws.push(raw);
    raw.socket.write(connectPacket({ clientId, username, password, keepaliveS: 60, will }));
    expect((await raw.next(CONNACK)).body[1]).toBe(0);
    return raw;
  }
  async function refusals(kind: string): Promise<number> {
    const metric = await broker!.metrics.getSingleMetric('quantrac_mqtt_refusals_total')!.get();
    return metric.values.find((v) => v.labels.kind === kind)?.value ?? 0;
  }

  it('closes, without acknowledging, a QoS 1 or QoS 2 PUBLISH with packet id 0 [MQTT-2.3.1-1]; id 1 is acknowledged', async () => {
    await start();
    const qos1 = await gateway(`${STATION}:a`);
    qos1.socket.write(publishPacket(readingsTopic(STATION), '{}', 0));
    await closedSoon(qos1);
    expect(qos1.packets.map((p) => p.type)).toEqual([CONNACK]);

    const qos2 = await gateway(`${STATION}:b`);
    const packet = publishPacket(readingsTopic(STATION), '{}', 0);
    packet[0] = 0x34; // PUBLISH, QoS 2
    qos2.socket.write(packet);
    await closedSoon(qos2);
    expect(qos2.packets.map((p) => p.type)).toEqual([CONNACK]);
    expect(qos2.packets.some((p) => p.type === PUBREC)).toBe(false);

    expect(admitted).toBe(0);
    expect(await refusals('packet_id_zero')).toBe(2);
    expect(logs.lines('packet id 0')).toEqual([
      expect.objectContaining({ clientId: `${STATION}:a`, qos: 1 }),
      expect.objectContaining({ clientId: `${STATION}:b`, qos: 2 }),
    ]);

    const good = await gateway(`${STATION}:c`);
    good.socket.write(publishPacket(readingsTopic(STATION), '{}', 1));
    const puback = await good.next(PUBACK);
    expect(puback.body.readUInt16BE(0)).toBe(1);
    expect(admitted).toBe(1);
  });

  it("still publishes a gateway's QoS 1 will, which has no packet id", async () => {
    await start();
    const events: Presence[] = [];
    const sub = broker!.presence$.subscribe((p) => events.push(p));
    const raw = await gateway(STATION, { topic: statusTopic(STATION), payload: '{"state":"offline"}' });
    raw.socket.destroy(); // no DISCONNECT: the will goes out
    await vi.waitFor(() => expect(events.map((e) => e.state)).toContain('offline'), { timeout: 5000, interval: 10 });
    sub.unsubscribe();
    expect(events.find((e) => e.state === 'offline')).toMatchObject({ station: STATION, reason: 'will' });
    expect(await refusals('packet_id_zero')).toBe(0);
  });
});
