import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { readingsTopic, type Station } from '../../core/index.js';
import { remainingLength } from '../../bench/mqtt-wire.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { connectPacket, rawClient, tryConnect, type RawClient } from '../helpers/mqtt.js';

/**
 * Before login a connection is anyone's (docs/CONFIGURATION.md, "Broker (MQTT)"): the centre
 * bounds how many wait to log in, how large their CONNECT may be, and how long it may take,
 * and a gateway already logged in keeps getting its PUBACKs meanwhile.
 */

const STATION = 'BN-YENPHONG-F001-NT1';
const within = { timeout: 5000, interval: 20 };

/** The first `length` bytes of a CONNECT declaring a Remaining Length of `declared`: plausible fields, then filler. */
function unfinishedConnect(declared: number, length: number): Buffer {
  const start = connectPacket({ clientId: 'x'.repeat(64), keepaliveS: 30 }).subarray(2);
  const body = Buffer.alloc(length - 1 - remainingLength(declared).length, 0x61);
  start.copy(body);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(declared)]), body]);
}

describe('broker: connections before login', () => {
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
  async function gateway(name: string): Promise<MqttClient> {
    const r = await tryConnect(centre!.mqttUrl, { ...centre!.credentials(STATION), clientId: `${STATION}:${name}` });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    return r.client;
  }
  let seq = 0;
  function publish(gw: MqttClient): Promise<unknown> {
    const station: Station = centre!.catalogue.station(STATION)!;
    const p = station.parameters[0]!;
    const n = ++seq;
    const body = {
      station: STATION,
      ts: Date.now() - n,
      seq: n,
      readings: [{ parameter: p.parameter, value: 1, unit: p.unit, status: '00' }],
    };
    return gw.publishAsync(readingsTopic(STATION), JSON.stringify(body), { qos: 1 });
  }
  async function refusals(kind: string): Promise<number> {
    const metric = await centre!.broker.metrics.getSingleMetric('quantrac_mqtt_refusals_total')!.get();
    return metric.values.find((v) => v.labels.kind === kind)?.value ?? 0;
  }
  async function pending(): Promise<number> {
    const metric = centre!.broker.metrics.getSingleMetric('quantrac_mqtt_pending_connections');
    if (!metric) throw new Error('no quantrac_mqtt_pending_connections gauge');
    return (await metric.get()).values[0]!.value;
  }
  async function raw(): Promise<RawClient> {
    const r = await rawClient(centre!.broker.port);
    raws.push(r);
    return r;
  }

  it('closes each of 300 connections sending an unfinished 64 KiB CONNECT at its header; a gateway gets its PUBACKs throughout', async () => {
    // A CONNECT timeout far away: only the size bound may close them.
    await start({ MQTT_CONNECT_TIMEOUT_S: '120' });
    const gw = await gateway('steady');
    let closed = 0;
    const attack = (async () => {
      for (let batch = 0; batch < 6; batch++) {
        const batchRaws = await Promise.all(Array.from({ length: 50 }, () => raw()));
        for (const r of batchRaws) {
          void r.closed.then(() => closed++);
          r.socket.write(unfinishedConnect(64 * 1024, 64 * 1024 - 1));
        }
      }
    })();
    let acked = 0;
    for (let i = 0; i < 20; i++) {
      await publish(gw);
      acked++;
    }
    await attack;
    await vi.waitFor(() => expect(closed).toBe(300), within);
    expect(acked).toBe(20);
    expect(await refusals('connect_too_large')).toBe(300);
    await vi.waitFor(async () => expect(await pending()).toBe(0), within);
    // One warning a minute, however many: no peer gets a log line per connection.
    expect(logs.lines('first packet (the CONNECT) too large')).toEqual([expect.objectContaining({ maxBytes: 16 * 1024 })]);
    await publish(gw);
  });

  it('closes a connection at once when MQTT_MAX_PENDING_CONNECTIONS are waiting to log in; places free as they close', async () => {
    await start({ MQTT_MAX_PENDING_CONNECTIONS: '20' });
    const gw = await gateway('steady');
    const silent = await Promise.all(Array.from({ length: 20 }, () => raw()));
    await vi.waitFor(async () => expect(await pending()).toBe(20), within);
    // The next ones are closed at once, well before the CONNECT timeout (10 s) could.
    const extra = await Promise.all(Array.from({ length: 5 }, () => raw()));
    let closedExtra = 0;
    for (const r of extra) void r.closed.then(() => closedExtra++);
    await vi.waitFor(() => expect(closedExtra).toBe(5), { timeout: 3000, interval: 20 });
    expect(silent.every((r) => !r.socket.destroyed)).toBe(true);
    expect(await refusals('pending_connections_full')).toBe(5);
    expect(logs.lines('too many connections waiting to log in')).toEqual([expect.objectContaining({ maxPending: 20 })]);
    await publish(gw); // the gateway logged in before keeps its PUBACKs

    for (const r of silent) r.socket.destroy();
    await vi.waitFor(async () => expect(await pending()).toBe(0), within);
    await publish(await gateway('after'));
    expect(await pending()).toBe(0); // a login frees its place
  });

  it('closes a connection whose CONNECT has not arrived within MQTT_CONNECT_TIMEOUT_S, silent or trickling', async () => {
    await start({ MQTT_CONNECT_TIMEOUT_S: '1' });
    const gw = await gateway('steady');
    const silent = await Promise.all(Array.from({ length: 5 }, () => raw()));
    const trickle = await raw();
    trickle.socket.write(unfinishedConnect(1000, 100)); // within the size bound, never finished
    let closed = 0;
    for (const r of [...silent, trickle]) void r.closed.then(() => closed++);
    await vi.waitFor(() => expect(closed).toBe(6), within);
    expect(await refusals('connect_timeout')).toBe(6);
    expect(logs.lines('no CONNECT in time')).toEqual([expect.objectContaining({ connectTimeoutMs: 1000 })]);
    await vi.waitFor(async () => expect(await pending()).toBe(0), within);
    await publish(gw);
  });
});
