import { createRequire } from 'node:module';
import { Redis, type RedisOptions } from 'ioredis';
import type { BrokerClusterParts, ClusterSettings, Logger } from '../core/index.js';
import { createPersistenceConnection, settleWillDeletes, type WillStore } from './broker-persistence.js';
import { redisConnectionOptions } from './broker-redis-options.js';

/** The mqemitter interface Aedes calls (`on`, `removeListener`, `emit`, `close`), and mqemitter-redis' error events. */
interface Emitter {
  emit(packet: { topic: string }, done?: (err?: Error) => void): void;
  close(done?: () => void): void;
  readonly state: { on(event: 'error', listener: (err: Error) => void): void };
}
type EmitterFactory = new (prefix: string, options: RedisOptions & { concurrency: number }) => Emitter;
/** aedes-persistence-redis' factory: ioredis options plus its own; `destroy` ends its connection. */
type PersistenceFactory = (options: { conn: Redis; maxSessionDelivery: number }) => WillStore & { destroy(): Promise<void> };

// Both are CommonJS; the prefixed emitter class is not in mqemitter-redis' type declarations,
// and aedes-persistence-redis ships none.
const require = createRequire(import.meta.url);
const { MQEmitterRedisPrefix } = require('mqemitter-redis') as { MQEmitterRedisPrefix: EmitterFactory };
const aedesPersistenceRedis = require('aedes-persistence-redis') as PersistenceFactory;

export interface ClusterBrokerPartsOptions {
  log: Logger;
  /** MQTT_MAX_QUEUED: the most QoS 1 messages a client id is sent from its stored session at CONNECT. */
  maxQueued?: number;
}

/**
 * Aedes' own matcher (qlobber, in mqemitter and aedes-persistence) takes at most 100 topic
 * levels, and the emitter's prefix ends with a `/`, so it is one of them: clients get 99.
 */
const MAX_TOPIC_LEVELS = 99;

/**
 * A readings topic (`stations/{id}/readings`, core/topics.ts). No client may subscribe to one
 * (broker/acl.ts, maySubscribe: subscribers read under `alerts/`, gateways their exact `errors`
 * topic), so a readings message has no receiver on any node: it is not published to Redis at
 * all, which would otherwise carry every message a second time (ingest already writes it to the
 * replicated log) for nobody.
 */
const isReadings = (topic: string): boolean => topic.endsWith('/readings') && topic.startsWith('stations/');

/** The emitter, with readings kept off Redis and its connection errors logged rather than thrown. */
function createEmitter(settings: ClusterSettings, connection: RedisOptions, log: Logger): Emitter {
  // Redis pub/sub channels are global to the server (not per db, never under ioredis'
  // keyPrefix), so the prefix keeps two centres on one Redis apart. It ends with a level
  // separator, so `#` and `+` filters stay whole levels after it.
  const emitter = new MQEmitterRedisPrefix(`${settings.keyPrefix}mqtt/`, { ...connection, concurrency: 100 });
  // mqemitter-redis emits its connections' errors on `state`, an EventEmitter that throws
  // an 'error' nobody listens to; ioredis reconnects by itself.
  emitter.state.on('error', (err) => log.warn({ err }, 'cluster: MQTT emitter connection to Redis failed; retrying'));
  const emit = emitter.emit.bind(emitter);
  emitter.emit = (packet, done) => (isReadings(packet.topic) ? done?.() : emit(packet, done));
  return emitter;
}

/**
 * The broker's shared parts in cluster mode (docs/ARCHITECTURE.md, "Cluster mode", "Broker"):
 * mqemitter-redis routes publications between the nodes, aedes-persistence-redis keeps sessions,
 * subscriptions, queued QoS 1 messages, retained messages and wills in Redis, so a gateway may
 * reconnect to any node and find its session. Both from the same connection options (a URL or
 * Sentinels), the persistence's keys under REDIS_KEY_PREFIX (ioredis' keyPrefix), the
 * emitter's channels under `<prefix>mqtt/`. Pass the result as the broker's `cluster` option;
 * the broker closes it.
 */
export function createClusterBrokerParts(settings: ClusterSettings, options: ClusterBrokerPartsOptions): BrokerClusterParts {
  const { log } = options;
  const connection = redisConnectionOptions(settings);
  const emitter = createEmitter(settings, connection, log);
  const stored = { ...connection, keyPrefix: settings.keyPrefix };
  const persistence = settleWillDeletes(
    aedesPersistenceRedis({
      conn: createPersistenceConnection(stored, log),
      maxSessionDelivery: options.maxQueued ?? 1000,
    }),
    log,
  );
  // The queue bound's count reads the list aedes-persistence-redis keeps per client id
  // (`outgoing:<encoded client id>`, asyncPersistence.js outgoingKey); its integration test
  // checks that layout against the installed version.
  const counter = new Redis({ ...stored, lazyConnect: true });
  counter.on('error', (err: Error) => log.warn({ err }, 'cluster: queue count connection to Redis failed; retrying'));
  return {
    emitter,
    persistence,
    // Three missed heartbeats make a node dead (Aedes, lib aedes.js _clearWills): about one lease.
    heartbeatIntervalMs: Math.max(1000, Math.round(settings.leaseMs / 3)),
    maxTopicLevels: MAX_TOPIC_LEVELS,
    queued: (clientId) => counter.llen(`outgoing:${encodeURIComponent(clientId)}`),
    async close() {
      counter.disconnect();
      await persistence.destroy().catch((err: Error) => log.warn({ err }, 'cluster: closing the broker store failed'));
      // Aedes closes the emitter when it closes; this covers a broker that never started.
      await new Promise<void>((resolve) => emitter.close(resolve));
    },
  };
}
