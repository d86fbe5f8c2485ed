import { stat } from 'node:fs/promises';
import type { Aedes, AedesOptions } from 'aedes';
import { Subscription } from 'rxjs';
import type { BrokerClusterParts, Logger } from '../core/index.js';
import { systemScheduler } from '../platform/index.js';
import { boundedPersistence, boundedSharedPersistence, closeAedes, createAedes, onBrokerError } from './aedes-adapter.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';
import type { BrokerContext } from './broker-context.js';
import { openListeners } from './broker-listeners.js';
import { createBrokerMetrics } from './broker-metrics.js';
import { DEFAULT_LIMITS, type Broker, type BrokerOptions } from './broker-options.js';
import { createClientLog } from './client-log.js';
import { createClientRegistry } from './client-registry.js';
import { createSlowConsumerDrop, watchClients } from './client-events.js';
import { createConnectHooks } from './connect-hooks.js';
import { createCredentialStore, DEFAULT_SCRYPT_COST } from './credential-store.js';
import { followCredentials } from './credentials-follower.js';
import { createPendingConnections } from './pending-connections.js';
import { createPresenceTracker } from './presence-tracker.js';
import { createPublishHooks } from './publish-hooks.js';

export { DEFAULT_LIMITS, type Broker, type BrokerLimits, type BrokerOptions } from './broker-options.js';

/** The file holds hashes only, but they are still worth a brute-force attempt: keep it private. */
function warnIfReadableByOthers(file: string, log: Logger): void {
  stat(file).then(
    (s) => {
      if ((s.mode & 0o077) !== 0)
        log.warn({ file, mode: (s.mode & 0o777).toString(8) }, 'credentials file is readable by others; chmod 600 it');
    },
    () => undefined,
  );
}

/** The parts the hooks share; `timers` holds what `later` scheduled, cancelled when the broker closes. */
function createContext(options: BrokerOptions, timers: Subscription, connectedClients: () => number): BrokerContext {
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const pending = createPendingConnections(limits.maxPendingConnections);
  const base = {
    limits,
    log: options.log,
    clientLog: createClientLog(options.log, clock),
    clients: createClientRegistry(),
    pending,
    metrics: createBrokerMetrics({ registry: options.registry, connectedClients, pendingConnections: () => pending.size }),
    tracker: createPresenceTracker({ clock }),
    clock,
    later(ms: number, fn: () => void) {
      const pending: Subscription = scheduler.schedule(() => {
        timers.remove(pending);
        fn();
      }, ms);
      timers.add(pending);
    },
  };
  return { ...base, dropSlow: createSlowConsumerDrop(base) };
}

/**
 * Where sessions live: in memory, each client id's queue of QoS 1 messages bounded; in cluster
 * mode in the shared store (BrokerOptions.cluster), bounded by its own count.
 */
function sessionStore(ctx: BrokerContext, options: BrokerOptions): object {
  const { maxQueued } = ctx.limits;
  const onDrop = (clientId: string, topic: string | undefined): void => {
    ctx.metrics.queueFull();
    const fields = { clientId, topic, maxQueued };
    ctx.clientLog(
      'warn',
      `client ${clientId}`,
      'queue_full',
      fields,
      "a client's queue of unacknowledged QoS 1 messages is full; newer ones are not kept for it",
    );
  };
  const { cluster } = options;
  if (!cluster) return boundedPersistence(maxQueued, onDrop);
  return boundedSharedPersistence(cluster.persistence as object, maxQueued, (id) => cluster.queued(id), onDrop);
}

/** Aedes' options for the shared emitter and its nodes' heartbeats (core/cluster-broker.ts). */
function sharedAedesOptions(cluster: BrokerClusterParts): Partial<AedesOptions> {
  return { mq: cluster.emitter, heartbeatInterval: cluster.heartbeatIntervalMs, maxTopicLevels: cluster.maxTopicLevels };
}

/**
 * Aedes reports a failed store operation (Redis unreachable, a failover under way) as an
 * 'error' event, which would end the process if nobody listened. The in-memory store never
 * fails; the shared one does while Redis is away, and ioredis reconnects by itself.
 */
function watchSharedStore(aedes: Aedes, ctx: BrokerContext): void {
  onBrokerError(aedes, (err) =>
    ctx.clientLog('error', 'cluster', 'shared_store', { err }, 'cluster: the shared MQTT session store or emitter failed'),
  );
}

/**
 * The embedded MQTT broker (docs/ARCHITECTURE.md, "broker/"): listeners, gateway logins, the
 * topic ACL, presence, per-client limits, and readings handed to `admit` before their PUBACK.
 */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const { log } = options;
  const timers = new Subscription();
  const started: { aedes?: Aedes } = {};
  const ctx = createContext(options, timers, () => started.aedes?.connectedClients ?? 0);
  const store = createCredentialStore({ file: options.credentialsFile, cost: options.auth?.scryptCost });
  const auth = await createAuthenticator({
    store,
    log,
    cost: options.auth?.scryptCost ?? DEFAULT_SCRYPT_COST,
    maxFailuresPerMinute: options.auth?.maxFailuresPerMinute ?? 10,
    blockMs: options.auth?.blockMs ?? 60_000,
    maxConcurrentChecks: options.auth?.maxConcurrentChecks,
    maxQueuedChecks: options.auth?.maxQueuedChecks,
    stationExists: (id) => options.catalogue.station(id) !== undefined,
    onFailure: (reason) => ctx.metrics.authFailure(reason),
    clock: ctx.clock,
  });
  warnIfReadableByOthers(options.credentialsFile, log);
  const persistence = sessionStore(ctx, options);
  const aedes = await createAedes({
    persistence,
    drainTimeout: ctx.limits.drainTimeoutMs,
    connectTimeout: ctx.limits.connectTimeoutMs,
    maxClientsIdLength: ctx.limits.maxClientIdLength,
    maxInflightInbound: ctx.limits.maxInflight,
    ...createConnectHooks(ctx, auth),
    ...createPublishHooks(ctx, options.admit, options.acceptForwarded),
    ...(options.cluster ? sharedAedesOptions(options.cluster) : {}),
  });
  started.aedes = aedes;
  if (options.cluster) watchSharedStore(aedes, ctx);
  watchClients(aedes, ctx);
  return serve(aedes, ctx, options, auth, timers);
}

/** Listens, follows the credentials file, and returns the broker's handle. */
async function serve(aedes: Aedes, ctx: BrokerContext, options: BrokerOptions, auth: Authenticator, timers: Subscription): Promise<Broker> {
  const listeners = await openListeners(aedes, ctx, options);
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  ctx.log.info({ host: options.host, port: listeners.port, tlsPort: listeners.tlsPort, wsPort: listeners.wsPort }, 'MQTT broker listening');
  const pollMs = options.auth?.pollMs ?? 2_000;
  const poll = followCredentials({
    aedes,
    auth,
    clients: ctx.clients,
    log: ctx.log,
    pollMs,
    scheduler: options.scheduler ?? systemScheduler,
  });
  const { tracker } = ctx;
  return {
    port: listeners.port,
    tlsPort: listeners.tlsPort,
    wsPort: listeners.wsPort,
    address: `mqtt://${host}:${listeners.port}`,
    aedes,
    presence$: tracker.presence$,
    presence: (id) => tracker.current(id),
    presenceSnapshot: () => tracker.snapshot(),
    provision: (request) => auth.provision(request),
    accountStations: (account) => auth.stationsOf(account),
    metrics: ctx.metrics.registry,
    publish(topic, payload, opts = {}) {
      const packet = {
        cmd: 'publish' as const,
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        qos: opts.qos ?? 1,
        retain: opts.retain ?? false,
        dup: false,
      };
      return new Promise((resolve, reject) => aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
    },
    async close() {
      poll.unsubscribe();
      // Stop accepting, then close the clients (Aedes closes their sockets), then the broker.
      await Promise.all([listeners.close(), closeAedes(aedes)]);
      // After Aedes: closing its clients still writes to the store (wills, subscriptions).
      await options.cluster?.close();
      timers.unsubscribe();
      tracker.complete();
    },
  };
}
