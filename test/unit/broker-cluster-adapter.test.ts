import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import mqemitter from 'mqemitter';
import aedesPersistence from 'aedes-persistence';
import type { Aedes, AedesOptions } from 'aedes';
import { boundedSharedPersistence, closeAedes, createAedes, onBrokerError } from '../../broker/aedes-adapter.js';
import { redisConnectionOptions } from '../../cluster/broker-redis-options.js';
import type { ClusterSettings } from '../../core/index.js';

/**
 * What cluster mode relies on in Aedes and in the two Redis packages (docs/ARCHITECTURE.md,
 * "Cluster mode"), checked against the installed versions on a real Aedes without Redis, so an
 * upgrade that changes one fails here: Aedes takes an `mq` and calls only on/emit/
 * removeListener/close on it, closes it but never the persistence, reports store failures as
 * an 'error' event, honours heartbeatInterval and maxTopicLevels; the packages export what
 * cluster/broker-parts.ts takes from them.
 */

type Persistence = Record<string, (...args: never[]) => unknown>;
const memory = aedesPersistence as unknown as () => Persistence;
const require = createRequire(import.meta.url);

describe('broker: cluster reliances on Aedes and the Redis packages', () => {
  let aedes: Aedes | undefined;
  afterEach(async () => {
    if (aedes) await closeAedes(aedes);
    aedes = undefined;
  });

  /** A real mqemitter that records which of its methods Aedes calls. */
  function recordingEmitter() {
    const mq = mqemitter({ concurrency: 100, matchEmptyLevels: true });
    const calls: string[] = [];
    const emitted: string[] = [];
    for (const name of ['on', 'removeListener', 'emit', 'close'] as const) {
      const original = (mq[name] as (...args: unknown[]) => unknown).bind(mq);
      (mq as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls.push(name);
        if (name === 'emit') emitted.push((args[0] as { topic: string }).topic);
        return original(...args);
      };
    }
    return { mq, calls, emitted };
  }

  it('routes through the given mq, closes it with the broker, and leaves the persistence for the broker to close', async () => {
    const { mq, calls, emitted } = recordingEmitter();
    const persistence = memory();
    const destroy = vi.fn();
    persistence.destroy = destroy;
    aedes = await createAedes({ mq, persistence, heartbeatInterval: 20, maxTopicLevels: 99 } as AedesOptions);
    // Nodes learn of each other by heartbeats on the shared emitter (Aedes' _clearWills reads them).
    await vi.waitFor(() => expect(emitted.filter((t) => t === `$SYS/${aedes!.id}/heartbeat`).length).toBeGreaterThan(1), {
      timeout: 2000,
      interval: 10,
    });
    await new Promise<void>((resolve, reject) =>
      aedes!.publish({ cmd: 'publish', topic: 'alerts/Z/S', payload: Buffer.from('x'), qos: 1, retain: false, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    expect(emitted).toContain('alerts/Z/S');
    await closeAedes(aedes);
    aedes = undefined;
    expect(calls).toContain('close');
    expect(new Set(calls)).toEqual(new Set(['on', 'emit', 'close']));
    expect(destroy).not.toHaveBeenCalled();
  });

  it("refuses a topic of more levels than maxTopicLevels (the emitter prefix takes one of qlobber's 100)", async () => {
    aedes = await createAedes({ maxTopicLevels: 99 } as AedesOptions);
    const topic = Array.from({ length: 100 }, () => 'a').join('/');
    const err = await new Promise<Error | undefined>((resolve) =>
      aedes!.publish({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false }, (e) =>
        resolve(e ?? undefined),
      ),
    );
    expect(err?.message).toMatch(/too many levels/);
  });

  it("reports a failing store as Aedes' 'error' event, which onBrokerError hears instead of the process ending", async () => {
    const persistence = memory();
    aedes = await createAedes({ persistence } as AedesOptions);
    const errors: Error[] = [];
    onBrokerError(aedes, (err) => errors.push(err));
    persistence.subscriptionsByTopic = () => Promise.reject(new Error('redis away'));
    aedes.publish({ cmd: 'publish', topic: 'alerts/Z/S', payload: Buffer.from('x'), qos: 1, retain: false, dup: false }, () => undefined);
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['redis away']), { timeout: 2000, interval: 10 });
  });

  it("bounds each client id's queue by the store's own count, and passes the rest on in one call", async () => {
    const counts = new Map([['full', 3]]);
    const dropped: string[] = [];
    const base = memory();
    const combi = vi.spyOn(base as unknown as { outgoingEnqueueCombi: (...a: unknown[]) => Promise<void> }, 'outgoingEnqueueCombi');
    const p = boundedSharedPersistence(
      base,
      3,
      (id) => Promise.resolve(counts.get(id) ?? 0),
      (id, topic) => dropped.push(`${id} ${topic}`),
    ) as unknown as {
      outgoingEnqueueCombi(subs: unknown[], packet: unknown): Promise<void>;
      outgoingEnqueue(sub: unknown, packet: unknown): Promise<void>;
    };
    const packet = { cmd: 'publish', topic: 'stations/S/errors', payload: Buffer.from('x'), qos: 1, brokerId: 'b', brokerCounter: 1 };
    await p.outgoingEnqueueCombi(
      [
        { clientId: 'full', topic: 't', qos: 1 },
        { clientId: 'room', topic: 't', qos: 1 },
      ],
      packet,
    );
    await p.outgoingEnqueue({ clientId: 'full', topic: 't', qos: 1 }, packet);
    await p.outgoingEnqueueCombi([], packet);
    expect(dropped).toEqual(['full stations/S/errors', 'full stations/S/errors']);
    expect(combi).toHaveBeenCalledTimes(1);
    expect((combi.mock.calls[0]![0] as Array<{ clientId: string }>).map((s) => s.clientId)).toEqual(['room']);
  });

  it('finds what cluster/broker-parts.ts takes from mqemitter-redis and aedes-persistence-redis', () => {
    expect(typeof (require('mqemitter-redis') as { MQEmitterRedisPrefix?: unknown }).MQEmitterRedisPrefix).toBe('function');
    const factory = require('aedes-persistence-redis') as (o: object) => Persistence & { destroy(): Promise<void> };
    const p = factory({ lazyConnect: true, port: 1 });
    // Aedes 1.x refuses a persistence whose setup is not an async function (lib aedes.js, listen).
    expect(p.setup!.constructor.name).toBe('AsyncFunction');
    for (const fn of ['outgoingEnqueue', 'outgoingEnqueueCombi', 'outgoingClearMessageId', 'outgoingStream', 'destroy']) {
      expect(typeof p[fn], fn).toBe('function');
    }
    (p as unknown as { asyncPersistence: { destroy(): Promise<void> } }).asyncPersistence.destroy().catch(() => undefined);
  });
});

describe('cluster: Redis connection options for the broker parts', () => {
  const base = { nodeId: 'n', waitReplicas: 1, waitTimeoutMs: 2000, leaseMs: 10_000, keyPrefix: 'qt:' };
  const at = (redis: ClusterSettings['redis'], password?: string): ClusterSettings => ({ ...base, redis, password });

  it('reads host, port, db, user, password and TLS from a URL; REDIS_PASSWORD when the URL has none', () => {
    expect(redisConnectionOptions(at({ url: 'redis://10.0.0.5:6380/2' }))).toEqual({ host: '10.0.0.5', port: 6380, db: 2 });
    expect(redisConnectionOptions(at({ url: 'redis://10.0.0.5' }, 'pw'))).toEqual({ host: '10.0.0.5', port: 6379, db: 0, password: 'pw' });
    expect(redisConnectionOptions(at({ url: 'rediss://u:p%40ss@[::1]:7000' }, 'other'))).toEqual({
      host: '::1',
      port: 7000,
      db: 0,
      username: 'u',
      password: 'p@ss',
      tls: {},
    });
  });

  it('names the Sentinels and the primary; REDIS_PASSWORD for both the data nodes and the Sentinels', () => {
    const sentinels = [
      { host: 'a', port: 26379 },
      { host: 'b', port: 26380 },
    ];
    expect(redisConnectionOptions(at({ sentinels, name: 'quantrac' }))).toEqual({ sentinels, name: 'quantrac' });
    expect(redisConnectionOptions(at({ sentinels, name: 'quantrac' }, 'pw'))).toEqual({
      sentinels,
      name: 'quantrac',
      password: 'pw',
      sentinelPassword: 'pw',
    });
  });
});
