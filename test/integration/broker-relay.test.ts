import { afterEach, describe, expect, it, vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Subscription } from 'rxjs';
import { createBroker, type Broker } from '../../broker/index.js';
import {
  createLogger,
  relayedAlertsTopic,
  relayStatusTopic,
  statusTopic,
  type ForwardedMessage,
  type Presence,
  type Station,
} from '../../core/index.js';
import { tryConnect } from '../helpers/mqtt.js';

const A = 'BN-YENPHONG-F001-NT1';
const B = 'BN-YENPHONG-F002-NT1';
const OTHER = 'HN-QUANGMINH-F005-NT1';

describe('broker: a province centre as a relay account (PROTOCOL.md, "Between centres")', () => {
  let broker: Broker | undefined;
  let sub: Subscription | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    sub?.unsubscribe();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.close();
    broker = undefined;
  });

  async function start(acceptForwarded: (m: ForwardedMessage) => Promise<void>): Promise<Broker> {
    broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => ({ id }) as Station },
      credentialsFile: join(tmpdir(), `quantrac-none-${process.pid}.json`),
      auth: { scryptCost: 1024 },
      log: createLogger({ level: 'silent' }),
      admit: () => Promise.resolve({ accepted: 1, rejected: 0 }),
      acceptForwarded,
    });
    return broker;
  }
  async function connect(id: string, role: 'relay' | 'gateway', will?: { topic: string; payload: Buffer; qos: 1; retain: true }) {
    const creds = broker!.provision({ id, role, stations: [A, B] });
    const r = await tryConnect(`mqtt://127.0.0.1:${broker!.port}`, { ...creds, clientId: `${id}:relay`, ...(will ? { will } : {}) });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    return r.client;
  }

  it('hands alert events and its link state to acceptForwarded, and the PUBACK waits for it', async () => {
    const got: ForwardedMessage[] = [];
    let release: () => void = () => undefined;
    await start((m) => {
      got.push(m);
      return m.kind === 'alert' ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    });
    const relay = await connect('BN-CENTRE', 'relay');
    let acked = false;
    const publishing = relay.publishAsync(relayedAlertsTopic(A), '{"type":"raised"}', { qos: 1 }).then(() => (acked = true));
    await vi.waitFor(() => expect(got).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(got[0]).toMatchObject({ kind: 'alert', account: 'BN-CENTRE', topic: relayedAlertsTopic(A) });
    expect(got[0]!.payload.toString()).toBe('{"type":"raised"}');
    // Held: no PUBACK until acceptForwarded settles.
    await new Promise((resolve) => setImmediate(resolve));
    await relay.publishAsync(relayStatusTopic('BN-CENTRE'), '{"connected":true}', { qos: 1, retain: true });
    expect(acked).toBe(false);
    release();
    await publishing;
    expect(acked).toBe(true);
    expect(got.map((m) => m.kind)).toEqual(['alert', 'relay-status']);
    expect(broker!.accountStations('BN-CENTRE')).toEqual([A, B]);
    expect(broker!.accountStations('nobody')).toBeUndefined();
    expect(relay.connected).toBe(true);
  });

  it("closes a relay publishing for a station not its own or another account's link, and a plain gateway publishing either topic", async () => {
    const got: ForwardedMessage[] = [];
    await start(async (m) => void got.push(m));
    for (const [role, topic] of [
      ['relay', relayedAlertsTopic(OTHER)],
      ['relay', relayStatusTopic('HN-CENTRE')],
      ['gateway', relayedAlertsTopic(A)],
      ['gateway', relayStatusTopic('GW-PLAIN')],
    ] as const) {
      const c = await connect(role === 'relay' ? 'BN-CENTRE' : 'GW-PLAIN', role);
      const gone = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(topic, '{}', { qos: 1 });
      await gone;
    }
    expect(got).toEqual([]);
  });

  it('a rejection from acceptForwarded closes the relay (no PUBACK), so it resends', async () => {
    await start(() => Promise.reject(new Error('disk full')));
    const relay = await connect('BN-CENTRE', 'relay');
    const gone = new Promise<void>((resolve) => relay.once('close', () => resolve()));
    relay.publish(relayedAlertsTopic(A), '{}', { qos: 1 });
    await gone;
  });

  it("drives each station's presence from the relay's status; all its stations go offline when the relay's connection is lost", async () => {
    const got: ForwardedMessage[] = [];
    await start(async (m) => void got.push(m));
    const events: Presence[] = [];
    sub = broker!.presence$.subscribe((p) => events.push(p));
    const will = {
      topic: relayStatusTopic('BN-CENTRE'),
      payload: Buffer.from('{"connected":false}'),
      qos: 1 as const,
      retain: true as const,
    };
    const relay = await connect('BN-CENTRE', 'relay', will);
    await vi.waitFor(() => expect(broker!.presence(B)?.state).toBe('online'), { timeout: 5000, interval: 10 });
    await relay.publishAsync(statusTopic(B), JSON.stringify({ state: 'offline', ts: 1_795_000_000_000 }), { qos: 1, retain: true });
    expect(broker!.presence(B)).toEqual({ station: B, state: 'offline', ts: 1_795_000_000_000, reason: 'status' });
    expect(broker!.presence(A)?.state).toBe('online');
    expect(relay.connected).toBe(true);

    relay.stream.destroy(); // the link dies without a DISCONNECT
    await vi.waitFor(() => expect(broker!.presence(A)?.state).toBe('offline'), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(got.map((m) => m.payload.toString())).toEqual(['{"connected":false}']), { timeout: 5000, interval: 20 });
    expect(got[0]).toMatchObject({ kind: 'relay-status', account: 'BN-CENTRE' });

    // Back again: A is online; B stays offline as the province last said, until it says otherwise.
    const again = await connect('BN-CENTRE', 'relay');
    await vi.waitFor(() => expect(broker!.presence(A)?.state).toBe('online'), { timeout: 5000, interval: 10 });
    expect(broker!.presence(B)?.state).toBe('offline');
    await again.publishAsync(statusTopic(B), JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    expect(broker!.presence(B)?.state).toBe('online');
    expect(events.filter((e) => e.station === B).map((e) => `${e.state}:${e.reason}`)).toEqual([
      'online:connect',
      'offline:status',
      'online:status',
    ]);
  });
});
