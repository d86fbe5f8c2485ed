import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { MqttClient } from 'mqtt';
import { createBroker, createCredentialStore, type Broker } from '../../broker/index.js';
import { createClusterBrokerParts } from '../../cluster/broker-parts.js';
import {
  alertsTopic,
  createLogger,
  freePort,
  errorsTopic,
  readingsTopic,
  statusTopic,
  type ClusterSettings,
  type Presence,
  type Station,
} from '../../core/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';
import { tryConnect } from '../helpers/mqtt.js';

/**
 * Two brokers (two createBroker instances on their own ports) sharing one real Redis through
 * mqemitter-redis and aedes-persistence-redis (docs/ARCHITECTURE.md, "Cluster mode", "Broker"):
 * what one node publishes reaches the other's subscribers, a persistent session follows its
 * gateway to another node, wills and retained messages live in the shared store.
 */

const STATION = 'BN-YENPHONG-F001-NT1';
const ZONE = 'YENPHONG';
const SUBSCRIBER = 'ops-alerts';
const log = createLogger({ level: 'silent' });

/** Aedes' persistence as these tests read it (aedes-persistence's documented API). */
interface Store {
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>;
}
const storeOf = (broker: Broker): Store => (broker.aedes as unknown as { persistence: Store }).persistence;
async function retained(broker: Broker, pattern: string): Promise<Array<{ topic: string; payload: string }>> {
  const out: Array<{ topic: string; payload: string }> = [];
  for await (const p of storeOf(broker).createRetainedStream(pattern)) out.push({ topic: p.topic, payload: p.payload.toString() });
  return out;
}

describe('broker: cluster mode, two nodes on one Redis', () => {
  let redis: RedisServer;
  let dir: string;
  let secrets: { gateway: string; subscriber: string };
  let prefixes = 0;
  let prefix = '';
  const brokers: Broker[] = [];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'quantrac-broker-cluster-'));
    const store = createCredentialStore({ file: join(dir, 'credentials.json'), cost: 1024 });
    secrets = {
      gateway: await store.add({ id: STATION, role: 'gateway', stations: [STATION] }),
      subscriber: await store.add({ id: SUBSCRIBER, role: 'subscriber', stations: [] }),
    };
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  let sentinelPort: number | undefined;
  function settings(nodeId: string): ClusterSettings {
    const at =
      sentinelPort === undefined ? { url: redis.url } : { sentinels: [{ host: '127.0.0.1', port: sentinelPort }], name: 'quantrac' };
    return { redis: at, nodeId, waitReplicas: 0, waitTimeoutMs: 1000, leaseMs: 3000, keyPrefix: prefix };
  }
  /** A node; each test gets its own key prefix, so no state crosses between tests. */
  async function node(nodeId: string, maxQueued?: number): Promise<Broker> {
    const broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => ({ id }) as Station },
      credentialsFile: join(dir, 'credentials.json'),
      auth: { scryptCost: 1024 },
      log,
      admit: () => Promise.resolve({ accepted: 1, rejected: 0 }),
      limits: maxQueued === undefined ? undefined : { maxQueued },
      cluster: createClusterBrokerParts(settings(nodeId), { log, maxQueued }),
    });
    brokers.push(broker);
    return broker;
  }
  async function twoNodes(maxQueued?: number): Promise<[Broker, Broker]> {
    prefix = `t${++prefixes}:`;
    return [await node('node-a', maxQueued), await node('node-b', maxQueued)];
  }
  async function connect(broker: Broker, options: Parameters<typeof tryConnect>[1]): Promise<MqttClient & { sessionPresent?: boolean }> {
    const r = await tryConnect(`mqtt://127.0.0.1:${broker.port}`, { keepalive: 30, ...options });
    if (!r.ok) throw new Error(`connect refused: ${r.message}`);
    clients.push(r.client);
    return r.client;
  }
  const gateway = (broker: Broker, extra: Parameters<typeof tryConnect>[1] = {}) =>
    connect(broker, { username: STATION, password: secrets.gateway, clientId: STATION, ...extra });
  const messages = (client: MqttClient): Array<{ topic: string; payload: string }> => {
    const got: Array<{ topic: string; payload: string }> = [];
    client.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
    return got;
  };

  it('delivers to a subscriber (alerts/#) on node A what node B publishes, as the alerts part publishes them', async () => {
    const [a, b] = await twoNodes();
    const subscriber = await connect(a, { username: SUBSCRIBER, password: secrets.subscriber, clientId: `${SUBSCRIBER}:1` });
    const got = messages(subscriber);
    await subscriber.subscribeAsync('alerts/#', { qos: 1 });
    await b.publish(alertsTopic(ZONE, STATION), '{"level":"ALERT"}', { qos: 1 });
    await vi.waitFor(() => expect(got).toEqual([{ topic: alertsTopic(ZONE, STATION), payload: '{"level":"ALERT"}' }]), {
      timeout: 5000,
      interval: 20,
    });
  });

  it("gives a gateway's persistent session to the node it reconnects to: session present, its queued QoS 1 errors notice delivered", async () => {
    const [a, b] = await twoNodes();
    const first = await gateway(a, { clean: false });
    await first.subscribeAsync(errorsTopic(STATION), { qos: 1 });
    await first.endAsync();
    // The notice is published while the gateway is away, by the node it left.
    await a.publish(errorsTopic(STATION), '{"error":"bad payload"}', { qos: 1 });

    const r = await tryConnect(`mqtt://127.0.0.1:${b.port}`, {
      username: STATION,
      password: secrets.gateway,
      clientId: STATION,
      clean: false,
      keepalive: 30,
    });
    if (!r.ok) throw new Error(r.message);
    clients.push(r.client);
    const got = messages(r.client);
    // The CONNACK's session present flag [MQTT-3.2.2-2]: mqtt.js keeps the last CONNACK.
    expect((r.client as unknown as { connackPacket?: { sessionPresent: boolean } }).connackPacket?.sessionPresent).toBe(true);
    await vi.waitFor(() => expect(got).toEqual([{ topic: errorsTopic(STATION), payload: '{"error":"bad payload"}' }]), {
      timeout: 5000,
      interval: 20,
    });
  });

  it('fires the will of a gateway dropped from node A, and node B sees the retained status messages', async () => {
    const [a, b] = await twoNodes();
    const presence: Presence[] = [];
    const sub = a.presence$.subscribe((p) => presence.push(p));
    try {
      const will = { topic: statusTopic(STATION), payload: Buffer.from('{"state":"offline"}'), qos: 1 as const, retain: true };
      const client = await gateway(a, { will });
      await client.publishAsync(statusTopic(STATION), '{"state":"online"}', { qos: 1, retain: true });
      // Stored after the PUBACK (Aedes writes it first, then publishes), so looked for until there.
      await vi.waitFor(
        async () =>
          expect(await retained(b, statusTopic(STATION))).toEqual([{ topic: statusTopic(STATION), payload: '{"state":"online"}' }]),
        { timeout: 5000, interval: 20 },
      );

      // Dropped, not disconnected: the socket ends without a DISCONNECT, so A publishes the will.
      client.stream.destroy();
      await vi.waitFor(() => expect(a.presence(STATION)?.state).toBe('offline'), { timeout: 5000, interval: 20 });
      await vi.waitFor(
        async () =>
          expect(await retained(b, 'stations/+/status')).toEqual([{ topic: statusTopic(STATION), payload: '{"state":"offline"}' }]),
        { timeout: 5000, interval: 20 },
      );
      expect(presence.map((p) => p.state)).toContain('offline');
    } finally {
      sub.unsubscribe();
    }
  });

  it("bounds a client id's queue in the shared store (MQTT_MAX_QUEUED), whichever node enqueues", async () => {
    const [a, b] = await twoNodes(3);
    const first = await gateway(a, { clean: false });
    await first.subscribeAsync(errorsTopic(STATION), { qos: 1 });
    await first.endAsync();
    for (let i = 0; i < 3; i++) await a.publish(errorsTopic(STATION), `{"n":${i}}`);
    for (let i = 3; i < 5; i++) await b.publish(errorsTopic(STATION), `{"n":${i}}`);

    const count = new Redis(redis.url);
    try {
      // aedes-persistence-redis' per-client list, under REDIS_KEY_PREFIX, is what the bound counts.
      expect(await count.llen(`${prefix}outgoing:${encodeURIComponent(STATION)}`)).toBe(3);
    } finally {
      count.disconnect();
    }
    const full = async (broker: Broker) => (await broker.metrics.getSingleMetric('quantrac_mqtt_queue_full_total')!.get()).values[0]?.value;
    expect(await full(a)).toBe(0);
    expect(await full(b)).toBe(2);

    const again = await gateway(b, { clean: false });
    const got = messages(again);
    await vi.waitFor(() => expect(got.map((m) => m.payload)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']), { timeout: 5000, interval: 20 });
  });

  it('keeps readings off Redis (no one may subscribe to them) and the channels under the key prefix', async () => {
    const [a] = await twoNodes();
    const spy = new Redis(redis.url);
    const channels: string[] = [];
    try {
      spy.on('pmessage', (_pattern: string, channel: string) => channels.push(channel));
      await spy.psubscribe('*');
      const client = await gateway(a);
      await client.publishAsync(readingsTopic(STATION), '{"readings":[]}', { qos: 1 });
      await a.publish(errorsTopic(STATION), '{"error":"x"}', { qos: 1 });
      await vi.waitFor(() => expect(channels).toContain(`${prefix}mqtt/${errorsTopic(STATION)}`), { timeout: 5000, interval: 20 });
      expect(channels.filter((c) => c.endsWith('/readings'))).toEqual([]);
      expect(channels.filter((c) => !c.startsWith(`${prefix}mqtt/`) && !c.startsWith('__'))).toEqual([]);
    } finally {
      spy.disconnect();
    }
  });

  it('closes every connection it opened to Redis when the broker closes', async () => {
    const probe = new Redis(redis.url);
    try {
      const connections = async () => Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))![1]);
      const before = await connections();
      await twoNodes();
      expect(await connections()).toBeGreaterThan(before);
      await Promise.all(brokers.splice(0).map((b) => b.close()));
      await vi.waitFor(async () => expect(await connections()).toBe(before), { timeout: 5000, interval: 50 });
    } finally {
      probe.disconnect();
    }
  });

  it('finds the primary through Sentinel (REDIS_SENTINELS) for both the emitter and the store', async () => {
    const port = await freePort();
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor quantrac 127.0.0.1 ${redis.port} 1`, ''].join('\n'),
    );
    const sentinel = spawn('redis-sentinel', [conf], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => sentinel.once('exit', () => r()));
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50 });
    try {
      await vi.waitFor(
        async () => expect(await probe.call('SENTINEL', 'get-master-addr-by-name', 'quantrac')).toEqual(['127.0.0.1', String(redis.port)]),
        {
          timeout: 10_000,
          interval: 50,
        },
      );
      sentinelPort = port;
      const [a, b] = await twoNodes();
      const subscriber = await connect(a, { username: SUBSCRIBER, password: secrets.subscriber, clientId: `${SUBSCRIBER}:1` });
      const got = messages(subscriber);
      await subscriber.subscribeAsync('alerts/#', { qos: 1 });
      await b.publish(alertsTopic(ZONE, STATION), '{"level":"ALERT"}', { qos: 1, retain: true });
      await vi.waitFor(() => expect(got.map((m) => m.topic)).toEqual([alertsTopic(ZONE, STATION)]), { timeout: 5000, interval: 20 });
      expect(await retained(a, 'alerts/#')).toEqual([{ topic: alertsTopic(ZONE, STATION), payload: '{"level":"ALERT"}' }]);
    } finally {
      sentinelPort = undefined;
      probe.disconnect();
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
      await Promise.all(brokers.splice(0).map((x) => x.close()));
      sentinel.kill('SIGTERM');
      await exited;
    }
  });
});
