import { QuantracError, type ClusterSettings, type Logger } from '../core/index.js';
import { everyUnref, systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import { INFLUX_GROUP, logKey, noLogMetrics, type LogMetrics } from './log-metrics.js';
import type { Redis } from './redis-connection.js';

export interface LogTrimmerOptions {
  redis: Redis;
  settings: Pick<ClusterSettings, 'keyPrefix'>;
  log: Logger;
  metrics?: LogMetrics;
  scheduler?: SchedulerLike;
  /** How often, ms (default 5000). */
  everyMs?: number;
  /** Entries younger than this are kept even when delivered, ms (default 60,000): slack for the fan-out readers. */
  retainMs?: number;
}

export interface LogTrimmer {
  /** One trim now; resolves to the entries removed. */
  trim(): Promise<number>;
  close(): void;
}

/**
 * The log's trimmer (docs/ARCHITECTURE.md, "Cluster mode", "Delivery to InfluxDB"): removes the
 * entries below the oldest one group `influx` still needs (the oldest pending on any consumer,
 * else the group's last delivered id: what comes after was never read) and older than
 * `retainMs` (the fan-out readers read live, a moment behind). Every node runs one; XTRIM
 * MINID is idempotent, so they need no coordination. Without the group nothing is trimmed.
 */
export function createLogTrimmer(options: LogTrimmerOptions): LogTrimmer {
  const { redis, log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const metrics = options.metrics ?? noLogMetrics;
  const key = logKey(options.settings.keyPrefix);
  const retainMs = options.retainMs ?? 60_000;
  let failing = false;

  const trim = async (): Promise<number> => {
    const needed = await oldestNeeded(redis, key);
    if (needed === undefined) return 0;
    const retained = `${Math.max(0, scheduler.now() - retainMs)}-0`;
    const minId = compareIds(needed, retained) < 0 ? needed : retained;
    const removed = Number(await redis.xtrim(key, 'MINID', minId));
    if (removed > 0) metrics.trimmed(removed);
    return removed;
  };
  const tick = everyUnref(
    scheduler,
    () =>
      void trim().then(
        () => void (failing = false),
        (err: Error) => {
          if (!failing) log.warn({ err: err.message }, 'log trim failed; trying again at the next tick');
          failing = true;
        },
      ),
    options.everyMs ?? 5000,
  );
  return { trim, close: () => tick.unsubscribe() };
}

/** The oldest id group `influx` still needs, or undefined when there is no group (or it has read nothing). */
async function oldestNeeded(redis: Redis, key: string): Promise<string | undefined> {
  const { lastDelivered, oldestPending } = await groupPosition(redis, key);
  if (lastDelivered === undefined || lastDelivered === '0-0') return undefined;
  return oldestPending !== undefined && compareIds(oldestPending, lastDelivered) < 0 ? oldestPending : lastDelivered;
}

/** Group `influx`'s last delivered id and its oldest pending entry (undefined: none, or no group). */
export async function groupPosition(redis: Redis, key: string): Promise<{ lastDelivered?: string; oldestPending?: string }> {
  const groups = (await redis.xinfo('GROUPS', key).catch((err: Error) => {
    if (err.message.includes('no such key')) return [];
    throw err;
  })) as unknown[];
  const last = groups.map(fieldsOf).find((g) => g.name === INFLUX_GROUP)?.['last-delivered-id'];
  if (typeof last !== 'string') return {};
  const pending = (await redis.xpending(key, INFLUX_GROUP)) as unknown[];
  const smallest = Number(pending[0]) > 0 ? pending[1] : undefined;
  return { lastDelivered: last, ...(typeof smallest === 'string' ? { oldestPending: smallest } : {}) };
}

/** A flat `[field, value, ...]` reply as an object. */
function fieldsOf(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = raw[i + 1];
  return out;
}

/** Orders stream ids `<ms>-<seq>` (numbers too large for comparison as strings of different lengths). */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * Resolves once group `influx` has delivered and acknowledged every entry in the log when
 * called; rejects (retryable ERR_NOT_DELIVERED) after `timeoutMs`. For tests and an operator's
 * drain, as ingest's `delivered()` in single-process mode. Looks every 100 ms.
 */
export async function waitGroupDelivered(redis: Redis, key: string, timeoutMs: number, scheduler: SchedulerLike): Promise<void> {
  const last = ((await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, unknown]>)[0]?.[0];
  if (last === undefined) return;
  const deadline = scheduler.now() + timeoutMs;
  for (;;) {
    const { lastDelivered, oldestPending } = await groupPosition(redis, key);
    const read = lastDelivered !== undefined && compareIds(lastDelivered, last) >= 0;
    if (read && (oldestPending === undefined || compareIds(oldestPending, last) > 0)) return;
    if (scheduler.now() >= deadline) {
      throw new QuantracError('ERR_NOT_DELIVERED', 'log entries not yet delivered to InfluxDB', { retryable: true });
    }
    await wait(100, scheduler);
  }
}
