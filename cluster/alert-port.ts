import type { Redis } from 'ioredis';
import { concat, defer, filter, map, of, type Observable, type SchedulerLike } from 'rxjs';
import { QuantracError, type AlertsClusterPort, type Catalogue, type Logger, type StationsChange } from '../core/index.js';
import { systemScheduler } from '../platform/index.js';
import { createAlertChannels } from './alert-channels.js';
import { createAlertStore } from './alert-store.js';
import { createShardOwnership, type ShardOwnership } from './lease-ownership.js';
import { createRedisLeaseStore } from './lease-redis.js';
import { shardOf, stationsByShard } from './shard-hash.js';

export interface AlertsClusterOptions {
  /** A command connection (cluster/redis-connection.ts); a subscriber connection is duplicated from it. */
  redis: Redis;
  catalogue: Catalogue;
  /** From clusterSettings(config). */
  nodeId: string;
  leaseMs: number;
  keyPrefix: string;
  log: Logger;
  /** How long an action routed to the owner waits for its answer, ms (5000). */
  actionTimeoutMs?: number;
  scheduler?: SchedulerLike;
}

export interface AlertsCluster extends AlertsClusterPort {
  readonly ownership: ShardOwnership;
  /** Gives up every shard (drained: the last writes land first), then the channels. */
  close(): Promise<void>;
}

/**
 * The alerts' side of cluster mode (docs/ARCHITECTURE.md, "Cluster mode": alert rules
 * ownership), as the port alerts/ takes: shard ownership by lease (lease-ownership.ts), the open
 * alerts and silences in Redis hashes (alert-store.ts), the events and actions channels
 * (alert-channels.ts). Its first lease round has run when it resolves.
 */
export async function createAlertsCluster(o: AlertsClusterOptions): Promise<AlertsCluster> {
  const { redis, nodeId, log } = o;
  const scheduler = o.scheduler ?? systemScheduler;
  const leases = createRedisLeaseStore(redis, o.keyPrefix);
  const ownership = createShardOwnership({ store: leases, nodeId, leaseMs: o.leaseMs, log, scheduler });
  const store = createAlertStore({ redis, prefix: o.keyPrefix, nodeId, clock: scheduler, log });
  const channels = await createAlertChannels({
    redis,
    prefix: o.keyPrefix,
    nodeId,
    timeoutMs: o.actionTimeoutMs ?? 5000,
    scheduler,
    log,
  });
  // `centre` is the station of the centre-wide storage (backlog) alert: one node owns it like any station.
  const byShard = stationsByShard([...o.catalogue.stations.map((s) => s.id), 'centre']);
  const stationsOf = (shards: readonly number[]): string[] => shards.flatMap((k) => byShard[k] ?? []);
  const current = (): StationsChange => ({ gained: stationsOf(ownership.owned()), lost: [] });
  const changes$: Observable<StationsChange> = concat(
    defer(() => of(current())),
    ownership.changes$.pipe(map((c) => ({ gained: stationsOf(c.gained), lost: stationsOf(c.lost) }))),
  ).pipe(filter((c) => c.gained.length > 0 || c.lost.length > 0));
  await ownership.start();

  return {
    ownership,
    changes$,
    loadOpen: (stations) => store.loadOpen(stations),
    saveAlert: (a) => store.saveAlert(a),
    loadSilences: (stations) => store.loadSilences(stations),
    saveSilence: (s) => store.saveSilence(s),
    writesDone: () => store.writesDone(),
    publish: (news) => channels.publish(news),
    news$: channels.news$,
    async route(station, action) {
      const owner = await leases.holder(shardOf(station));
      if (owner === undefined) throw new QuantracError('ERR_NO_OWNER', `no node holds ${station} now; try again`, { retryable: true });
      return channels.send(owner, action);
    },
    serve: (handler) => channels.serve(handler),
    setDrain: (drain) => ownership.setDrain((shards) => drain(stationsOf(shards))),
    async close() {
      await ownership.close();
      await store.writesDone();
      await channels.close();
    },
  };
}
