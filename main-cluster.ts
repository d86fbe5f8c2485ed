/**
 * main.ts's wiring of cluster mode (docs/ARCHITECTURE.md, "Cluster mode"; docs/CLUSTER.md): with
 * REDIS_URL or REDIS_SENTINELS set, the replicated log replaces the spool, the broker routes and
 * keeps sessions in Redis, the alert rules run for the shards this node leases, and dashboard
 * sessions and station presence are shared. Without them nothing here runs.
 */
import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import { ConfigError, type BrokerClusterParts, type Presence, type SessionPort } from './core/index.js';
import type { Clock } from './platform/index.js';
import { createClusterAlerts, type AlertsOptions, type AlertsService } from './alerts/index.js';
import {
  createAlertsCluster,
  createClusterBrokerParts,
  createRedisConnection,
  createRedisSessionStore,
  createReplicatedLog,
  createSharedPresence,
  type ReplicatedLog,
} from './cluster/index.js';
import type { ClusterWiring, Wiring } from './main-wiring.js';
import { clusterSettings } from './core/index.js';

/** The cluster's settings and the command connection its parts share, or undefined in single-process mode. Closed last. */
export function startClusterBase({ config, log, onClose }: Pick<Wiring, 'config' | 'log' | 'onClose'>): ClusterWiring | undefined {
  const settings = clusterSettings(config);
  if (!settings) return undefined;
  if (config.UPSTREAM_URL !== undefined) {
    // The relay forwards from a spool cursor; in cluster mode there is no spool (the log is in Redis).
    throw new ConfigError('invalid configuration: UPSTREAM_URL (the upstream relay) is not available in cluster mode yet');
  }
  const redis = createRedisConnection(settings, 'commands', { log: log.child({ component: 'cluster' }) });
  onClose(async () => void (await redis.quit().catch(() => redis.disconnect())));
  log.info({ node: settings.nodeId, redis: 'url' in settings.redis ? 'url' : 'sentinels' }, 'cluster mode');
  return { settings, redis };
}

/** The replicated log, for ingest's options; its delivery starts once ingest is there (attachReplicatedLog). */
export function startReplicatedLog({ config, log, catalogue, cluster }: Wiring, registry: Registry, backlogAlertMs: number): ReplicatedLog {
  void config;
  return createReplicatedLog({
    settings: cluster!.settings,
    log: log.child({ component: 'cluster-log' }),
    unitOf: (s, p) => catalogue.stationParameter(s, p)?.unit,
    registry,
    backlogAlertMs,
  });
}

/** Alert rules for the shards this node leases, in-process (the rules' worker thread is not used in cluster mode). */
export async function startClusterAlerts(
  { config, log, catalogue, cluster, onClose }: Wiring,
  options: AlertsOptions,
): Promise<AlertsService> {
  if (config.ALERTS_THREAD === 'worker') log.info("cluster mode: the alert rules run on the main thread, for this node's shards");
  const port = await createAlertsCluster({
    redis: cluster!.redis,
    catalogue,
    nodeId: cluster!.settings.nodeId,
    leaseMs: cluster!.settings.leaseMs,
    keyPrefix: cluster!.settings.keyPrefix,
    log: log.child({ component: 'cluster-alerts' }),
  });
  const alerts = await createClusterAlerts({ ...options, cluster: port });
  // Closers run in reverse: the alerts close first, then the port drains and releases its leases.
  onClose(() => port.close());
  onClose(() => alerts.close());
  return alerts;
}

/** The broker's shared router and session store. */
export function clusterBrokerParts({ config, log, cluster }: Wiring): BrokerClusterParts | undefined {
  if (!cluster) return undefined;
  return createClusterBrokerParts(cluster.settings, { log: log.child({ component: 'cluster-broker' }), maxQueued: config.MQTT_MAX_QUEUED });
}

/** Every node's presence changes, in place of this broker's alone. */
export async function clusterPresence({ log, cluster, onClose }: Wiring, local$: Observable<Presence>): Promise<Observable<Presence>> {
  if (!cluster) return local$;
  const shared = await createSharedPresence({
    redis: cluster.redis,
    keyPrefix: cluster.settings.keyPrefix,
    nodeId: cluster.settings.nodeId,
    leaseMs: cluster.settings.leaseMs,
    local$,
    log: log.child({ component: 'presence' }),
  });
  onClose(() => shared.close());
  return shared.presence$;
}

/** Dashboard sessions in Redis, valid on every node. */
export function clusterSessionStore({ cluster }: Wiring): {
  sessionStore?: (limits: { idleMs: number; maxAgeMs: number; clock: Clock }) => SessionPort;
} {
  if (!cluster) return {};
  const { redis, settings } = cluster;
  return { sessionStore: (limits) => createRedisSessionStore({ redis, keyPrefix: settings.keyPrefix, ...limits }) };
}
