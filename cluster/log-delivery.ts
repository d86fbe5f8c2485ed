import type { ClusterSettings, Logger, StoreLines } from '../core/index.js';
import { everyUnref, systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import { parseEntries, runLoop, streamEntries, type LogEntry } from './log-entries.js';
import { INFLUX_GROUP, logKey, noLogMetrics, type LogMetrics } from './log-metrics.js';
import type { Redis } from './redis-connection.js';

export interface GroupDeliveryOptions {
  /** A blocking connection of its own (createRedisConnection with `blocking`); close() disconnects it. */
  redis: Redis;
  settings: Pick<ClusterSettings, 'nodeId' | 'leaseMs' | 'keyPrefix'>;
  /** Ingest's writer with split-on-refusal and dead letters (core/ports.ts StoreLines). */
  store: StoreLines;
  log: Logger;
  metrics?: LogMetrics;
  scheduler?: SchedulerLike;
  /** Entries per read (default 64) and how long a read blocks, ms (default 1000). */
  count?: number;
  blockMs?: number;
  /** close() waits this long for the batch in hand, ms (default 3000); what is left stays pending for the next owner. */
  drainMs?: number;
}

export interface GroupDelivery {
  close(): Promise<void>;
}

/**
 * Delivery to InfluxDB in cluster mode (docs/ARCHITECTURE.md, "Cluster mode", "Delivery to
 * InfluxDB"): this node is consumer CLUSTER_NODE_ID of group `influx` on `qt:log`. In turn it
 * delivers its own pending entries (left by its previous run), takes over entries pending on
 * another consumer for longer than CLUSTER_LEASE_MS (XAUTOCLAIM: that node died or hangs), and
 * reads new ones (XREADGROUP BLOCK). A batch is stored through ingest's writer (split-on-refusal,
 * bad lines dead-lettered) and XACKed only after; while the store retries (InfluxDB down), the
 * entries' idle time is reset every third of the lease (XCLAIM to itself), so a live node keeps
 * them. Entries delivered twice (a takeover racing a slow node) are stored once: point identity.
 */
export function createGroupDelivery(options: GroupDeliveryOptions): GroupDelivery {
  const { redis, settings, log, store } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const metrics = options.metrics ?? noLogMetrics;
  const key = logKey(settings.keyPrefix);
  const consumer = settings.nodeId;
  const count = options.count ?? 64;
  const blockMs = options.blockMs ?? 1000;
  const abort = new AbortController();
  const claim = { cursor: '0-0', nextAt: 0, ownDone: false, groupReady: false };
  let stopped = false;

  const deliver = async (entries: LogEntry[]): Promise<void> => {
    const ids = entries.map((e) => e.id);
    const texts = entries.flatMap((e) => (e.lp === undefined || e.lp === '' ? [] : [e.lp]));
    if (texts.length > 0) {
      const renew = everyUnref(
        scheduler,
        () => void renewLease(redis, key, consumer, ids),
        Math.max(100, Math.floor(settings.leaseMs / 3)),
      );
      try {
        await store(Buffer.from(texts.join(''), 'utf8'));
      } finally {
        renew.unsubscribe();
      }
    }
    await redis.xack(key, INFLUX_GROUP, ...ids);
    metrics.delivered(
      entries.length,
      entries.reduce((n, e) => n + e.count, 0),
    );
  };

  const step = async (): Promise<void> => {
    if (!claim.groupReady) claim.groupReady = await ensureGroup(redis, key);
    if (!claim.ownDone) {
      // Entries this node read before a restart and never acknowledged: the `0` id reads its own pending list.
      const own = streamEntries(await redis.xreadgroup('GROUP', INFLUX_GROUP, consumer, 'COUNT', count, 'STREAMS', key, '0'));
      if (own.length === 0) claim.ownDone = true;
      else await deliver(own);
      return;
    }
    if (scheduler.now() >= claim.nextAt) {
      const claimed = await takeOver(redis, key, consumer, settings.leaseMs, claim, count, scheduler.now());
      if (claimed.length > 0) {
        metrics.claimed(claimed.length);
        log.info({ entries: claimed.length }, 'took over log entries a stopped node left pending');
        await deliver(claimed);
        return;
      }
    }
    const fresh = streamEntries(
      await redis.xreadgroup('GROUP', INFLUX_GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, '>'),
    );
    if (fresh.length > 0) await deliver(fresh);
  };

  const onError = (err: unknown, failures: number): void => {
    metrics.deliveryError();
    if (failures <= 3 || failures % 50 === 0) log.warn({ err: (err as Error).message, failures }, 'log delivery step failed; retrying');
  };
  const running = runLoop(step, () => stopped, onError, scheduler, abort.signal);

  return {
    async close() {
      stopped = true;
      await Promise.race([running, wait(options.drainMs ?? 3000, scheduler)]);
      abort.abort();
      // A store still retrying (InfluxDB down) is left behind: its entries stay pending, unacknowledged,
      // for this node's next run or another node's takeover. A blocked read ends with the connection.
      redis.disconnect();
    },
  };
}

/** Creates group `influx` at the start of the stream (and the stream) unless it exists. */
async function ensureGroup(redis: Redis, key: string): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', key, INFLUX_GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!(err as Error).message.startsWith('BUSYGROUP')) throw err;
  }
  return true;
}

/**
 * One XAUTOCLAIM step over the group's pending list: entries idle past the lease become this
 * node's. The scan goes on from its cursor; once round, the next is half a lease later.
 */
async function takeOver(
  redis: Redis,
  key: string,
  consumer: string,
  leaseMs: number,
  claim: { cursor: string; nextAt: number },
  count: number,
  now: number,
): Promise<LogEntry[]> {
  const reply = (await redis.xautoclaim(key, INFLUX_GROUP, consumer, leaseMs, claim.cursor, 'COUNT', count)) as unknown[];
  claim.cursor = typeof reply[0] === 'string' ? reply[0] : '0-0';
  if (claim.cursor === '0-0') claim.nextAt = now + Math.floor(leaseMs / 2);
  return parseEntries(reply[1]);
}

/** Resets the idle time of entries this node is still storing, so no other node takes them over. */
async function renewLease(redis: Redis, key: string, consumer: string, ids: string[]): Promise<void> {
  try {
    await redis.xclaim(key, INFLUX_GROUP, consumer, 0, ...ids, 'JUSTID');
  } catch {
    /* the delivery's own step reports a broken connection */
  }
}
