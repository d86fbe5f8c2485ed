import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { errorsTopic, readingsTopic, statusTopic, type RejectionNotice, type Station } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { subackCodes, tryConnect } from '../helpers/mqtt.js';

const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';

/** A valid readings message for a station, per PROTOCOL.md. */
function message(station: Station, seq: number, unit?: string): string {
  const p = station.parameters[0]!;
  return JSON.stringify({
    station: station.id,
    ts: Date.now(),
    seq,
    readings: [{ parameter: p.parameter, value: 1, unit: unit ?? p.unit, status: '00' }],
  });
}

describe('broker: topic ACL', () => {
  let centre: TestCentre | undefined;
  let logs: LogCapture;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.close();
    centre = undefined;
  });
  async function connect(options: Parameters<typeof tryConnect>[1]): Promise<MqttClient> {
    const r = await tryConnect(centre!.mqttUrl, options);
    if (!r.ok) throw new Error(`connect refused: ${r.message}`);
    clients.push(r.client);
    return r.client;
  }
  async function start(): Promise<TestCentre> {
    logs = captureLog();
    centre = await startTestCentre(inject('influxUrl'), { LOG_LEVEL: 'info' }, { logDestination: logs.destination });
    return centre;
  }
  const station = (id: string): Station => centre!.catalogue.station(id)!;

  it("disconnects a gateway publishing to another station's topic, stores nothing of it, and logs a security event", async () => {
    await start();
    const gw = await connect({ ...centre!.credentials(STATION), clientId: `${STATION}:a` });
    await gw.publishAsync(readingsTopic(STATION), message(station(STATION), 1), { qos: 1 });
    await vi.waitFor(async () => expect(await countReadings(centre!.influx, `WHERE "station" = '${STATION}'`)).toBe(1), {
      timeout: 10_000,
      interval: 100,
    });

    const closed = new Promise<void>((resolve) => gw.once('close', () => resolve()));
    gw.publish(readingsTopic(OTHER), message(station(OTHER), 1), { qos: 1 });
    await closed;
    // Absence, shown by order: OTHER's own gateway then publishes a marker; once the marker is
    // stored, the refused message would be too, had it been admitted.
    const owner = await connect({ ...centre!.credentials(OTHER), clientId: OTHER });
    const marker = JSON.parse(message(station(OTHER), 2)) as { ts: number };
    marker.ts = Date.now() - 60_000;
    await owner.publishAsync(readingsTopic(OTHER), JSON.stringify(marker), { qos: 1 });
    await vi.waitFor(async () => expect(await countReadings(centre!.influx, `WHERE "station" = '${OTHER}'`)).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await storedReadings(centre!.influx, `WHERE "station" = '${OTHER}'`)).toEqual([expect.objectContaining({ time: marker.ts })]);
    const events = logs.lines('may not write');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: 'security',
      address: '127.0.0.1',
      account: STATION,
      clientId: `${STATION}:a`,
      topic: readingsTopic(OTHER),
    });

    // Other forbidden topics close the connection too.
    for (const topic of [errorsTopic(STATION), 'alerts/YENPHONG/x', '$SYS/x', 'anything']) {
      const c = await connect({ ...centre!.credentials(STATION), clientId: `${STATION}:b` });
      const gone = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(topic, 'x', { qos: 0 });
      await gone;
    }
    expect(await countReadings(centre!.influx)).toBe(2);
  });

  it("refuses (0x80) another station's errors, stations/#, wildcards and $SYS; grants the own errors topic, which carries rejection notices", async () => {
    await start();
    const gw = await connect({ ...centre!.credentials(STATION), clientId: `${STATION}:a` });
    const codes = await subackCodes(gw, [
      errorsTopic(STATION),
      errorsTopic(OTHER),
      'stations/#',
      'stations/+/errors',
      '$SYS/#',
      '#',
      readingsTopic(STATION),
    ]);
    expect(codes).toEqual({
      [errorsTopic(STATION)]: 1,
      [errorsTopic(OTHER)]: 128,
      'stations/#': 128,
      'stations/+/errors': 128,
      '$SYS/#': 128,
      '#': 128,
      [readingsTopic(STATION)]: 128,
    });
    expect(gw.connected).toBe(true);
    expect(logs.lines('subscription refused').every((l) => l.address === '127.0.0.1')).toBe(true);

    const notices: RejectionNotice[] = [];
    gw.on('message', (topic, payload) => {
      if (topic === errorsTopic(STATION)) notices.push(JSON.parse(payload.toString()) as RejectionNotice);
    });
    await gw.publishAsync(readingsTopic(STATION), message(station(STATION), 7, 'furlongs'), { qos: 1 });
    await vi.waitFor(() => expect(notices).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(notices[0]).toMatchObject({ seq: 7, accepted: 0, rejected: 1, errors: [{ code: 'unit_mismatch' }] });
  });

  it('lets a gateway serving several stations publish for each, and refuses a will on a topic it may not write', async () => {
    await start();
    const creds = centre!.broker.provision({ id: 'GW-YENPHONG', stations: [STATION, OTHER] });
    const gw = await connect({
      ...creds,
      clientId: 'GW-YENPHONG',
      will: { topic: statusTopic(OTHER), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    await gw.publishAsync(readingsTopic(STATION), message(station(STATION), 1), { qos: 1 });
    await gw.publishAsync(readingsTopic(OTHER), message(station(OTHER), 1), { qos: 1 });
    await vi.waitFor(async () => expect(await countReadings(centre!.influx)).toBe(2), { timeout: 10_000, interval: 100 });

    const r = await tryConnect(centre!.mqttUrl, {
      ...centre!.credentials(STATION),
      clientId: `${STATION}:bad-will`,
      will: { topic: statusTopic(OTHER), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: false },
    });
    expect(r).toMatchObject({ ok: false, code: 5 });
  });

  it('gives a subscriber account alerts/# and nothing else; it may not publish', async () => {
    await start();
    const ops = await connect({ ...centre!.subscriberCredentials('ops'), clientId: 'ops:1' });
    const codes = await subackCodes(ops, ['alerts/#', readingsTopic(STATION), errorsTopic(STATION), '$SYS/#']);
    expect(codes).toEqual({ 'alerts/#': 1, [readingsTopic(STATION)]: 128, [errorsTopic(STATION)]: 128, '$SYS/#': 128 });
    const got: string[] = [];
    ops.on('message', (topic) => got.push(topic));
    await centre!.broker.publish(`alerts/YENPHONG/${STATION}`, JSON.stringify({ test: true }));
    await vi.waitFor(() => expect(got).toEqual([`alerts/YENPHONG/${STATION}`]), { timeout: 5000, interval: 20 });

    const closed = new Promise<void>((resolve) => ops.once('close', () => resolve()));
    ops.publish(readingsTopic(STATION), message(station(STATION), 1), { qos: 1 });
    await closed;
    expect(logs.lines('may not write')).toEqual([expect.objectContaining({ event: 'security', account: 'ops' })]);
  });
});
