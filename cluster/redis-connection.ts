import { Redis, type RedisOptions } from 'ioredis';
import type { ClusterSettings, Logger } from '../core/index.js';
import { createRateLimitedLog, systemClock, type Clock } from '../platform/index.js';

export interface RedisConnectionOptions {
  log: Logger;
  /**
   * For a connection that runs blocking reads (XREAD/XREADGROUP BLOCK) in a loop of its own:
   * its commands wait through a reconnection for as long as it takes (the loop is the retry),
   * and no command timeout cuts a long BLOCK.
   */
  blocking?: boolean;
  clock?: Clock;
}

/** Reconnection attempts a queued command waits through before failing (non-blocking roles). */
const RETRIES_PER_REQUEST = 3;
/** Delay before the n-th reconnection attempt, ms: quick at first, then once a second. */
const reconnectDelay = (times: number): number => Math.min(times * 100, 1000);
/** A command with no answer for this long fails (a primary frozen, a network cut without a reset), ms. */
const COMMAND_GRACE_MS = 5000;

/**
 * The ioredis options of every connection of this node (docs/ARCHITECTURE.md, "Cluster mode"):
 * a URL, or Sentinels that name the primary (ioredis asks them again after a failover and
 * follows it). Exported so the broker's mqemitter-redis and aedes-persistence-redis get the same.
 *
 * A command issued while the connection is down waits in ioredis' offline queue through at
 * most RETRIES_PER_REQUEST reconnection attempts (about 0.6 s plus connect timeouts), then
 * fails: during a failover an admission is refused quickly (the gateway resends) rather than
 * held for as long as the election takes. WAIT blocks up to REDIS_WAIT_TIMEOUT_MS by design,
 * so the command timeout is that plus a grace.
 */
export function redisConnectionOptions(settings: ClusterSettings, role: string, blocking = false): RedisOptions {
  const common: RedisOptions = {
    connectionName: `quantrac:${settings.nodeId}:${role}`,
    maxRetriesPerRequest: blocking ? null : RETRIES_PER_REQUEST,
    retryStrategy: reconnectDelay,
    connectTimeout: 5000,
    enableOfflineQueue: true,
    // A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel names the new one) and resend.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...(blocking ? {} : { commandTimeout: settings.waitTimeoutMs + COMMAND_GRACE_MS }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
  };
  if ('url' in settings.redis) return common;
  return {
    ...common,
    sentinels: settings.redis.sentinels,
    name: settings.redis.name,
    ...(settings.password === undefined ? {} : { sentinelPassword: settings.password }),
  };
}

/**
 * One connection to the Redis primary, named `quantrac:<node>:<role>` in CLIENT LIST. Its
 * errors (refused, reset, failover) are logged at most once a minute per kind and never
 * thrown into the process: ioredis reconnects by itself, and each command's own promise
 * carries its failure to the caller.
 */
export function createRedisConnection(settings: ClusterSettings, role: string, options: RedisConnectionOptions): Redis {
  const log = options.log.child({ part: 'redis', role });
  const warn = createRateLimitedLog(log, 60_000, options.clock ?? systemClock);
  const redisOptions = redisConnectionOptions(settings, role, options.blocking === true);
  const redis = 'url' in settings.redis ? new Redis(settings.redis.url, redisOptions) : new Redis(redisOptions);
  let wasReady = false;
  redis.on('error', (err: Error & { code?: string }) => {
    warn('warn', err.code ?? err.name, { err: err.message, code: err.code }, 'Redis connection error (reconnecting)');
  });
  redis.on('ready', () => {
    if (wasReady) log.info('Redis connection ready again');
    wasReady = true;
  });
  redis.on('reconnecting', () => {
    if (wasReady) warn('warn', 'reconnecting', {}, 'Redis connection lost; reconnecting');
  });
  return redis;
}

export type { Redis };
