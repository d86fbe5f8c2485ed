import { afterEach, describe, expect, it, vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker, type Broker } from '../../broker/index.js';
import { errorsTopic, type Station } from '../../core/index.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';
import { connectPacket, rawClient, subscribePacket, type RawClient } from '../helpers/mqtt.js';

/**
 * A logged-in gateway repeating a refused packet as fast as it can must not turn it into a log
 * line each (broker/client-log.ts): one line per client and kind a minute, then the count held back.
 */

const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';
const SUBACK = 9;

describe('broker: a client repeating a refused packet', () => {
  let broker: Broker | undefined;
  const raws: RawClient[] = [];
  afterEach(async () => {
    for (const r of raws.splice(0)) r.socket.destroy();
    await broker?.close();
    broker = undefined;
  });

  it('logs one line for 3,000 refused SUBSCRIBEs within the minute, and the count held back in the next', async () => {
    const logs: LogCapture = captureLog('info');
    let now = Date.parse('2026-11-27T01:00:00Z');
    broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => ({ id }) as Station },
      credentialsFile: join(tmpdir(), `quantrac-none-${process.pid}.json`),
      auth: { scryptCost: 1024 },
      log: logs.log,
      clock: { now: () => now },
      admit: () => Promise.resolve({ accepted: 1, rejected: 0 }),
    });
    const { username, password } = broker.provision({ id: STATION });
    const raw = await rawClient(broker.port);
    raws.push(raw);
    raw.socket.write(connectPacket({ clientId: STATION, username, password, keepaliveS: 60 }));
    expect((await raw.next(2)).body[1]).toBe(0);
    const subacks = (): number => raw.packets.filter((p) => p.type === SUBACK).length;
    const before = logs.text().length;

    // A 60,000-character filter first: its line carries the start of it only.
    raw.socket.write(subscribePacket(1, `${errorsTopic(OTHER)}/${'x'.repeat(60_000)}`));
    const flood = Array.from({ length: 3000 }, (_, i) => subscribePacket(2 + i, errorsTopic(OTHER)));
    raw.socket.write(Buffer.concat(flood));
    await vi.waitFor(() => expect(subacks()).toBe(3001), { timeout: 20_000, interval: 20 });
    expect(raw.packets.filter((p) => p.type === SUBACK).every((p) => p.body[2] === 0x80)).toBe(true); // refused [MQTT-3.9.3-2]
    const lines = logs.lines('subscription refused');
    expect(lines).toEqual([expect.objectContaining({ clientId: STATION, account: STATION })]);
    expect(String(lines[0]!.topic).length).toBeLessThan(300);
    expect(logs.text().length - before).toBeLessThan(2000);

    now += 60_000;
    raw.socket.write(subscribePacket(5000, errorsTopic(OTHER)));
    await vi.waitFor(() => expect(subacks()).toBe(3002), { timeout: 5000, interval: 20 });
    expect(logs.lines('subscription refused')).toEqual([
      expect.objectContaining({ clientId: STATION }),
      expect.objectContaining({ clientId: STATION, topic: errorsTopic(OTHER), suppressed: 3000 }),
    ]);
    const counted = await broker.metrics.getSingleMetric('quantrac_mqtt_refusals_total')!.get();
    expect(counted.values.find((v) => v.labels.kind === 'subscribe_forbidden')?.value).toBe(3002); // the counter counts each
  });
});
