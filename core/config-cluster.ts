import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const optionalString = z.string().trim().min(1).optional();

/**
 * Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"), merged into ConfigSchema: with none of
 * REDIS_URL or REDIS_SENTINELS set the centre is the single process it always was.
 */
export const ClusterConfigShape = {
  /** redis://[:password@]host:port[/db] of the Redis primary (without Sentinel). */
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, 'REDIS_URL must be redis://host:port')
    .optional(),
  /** host:port,host:port of the Sentinels that watch the primary named REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: z
    .string()
    .trim()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'REDIS_SENTINELS must be host:port,host:port')
    .optional(),
  REDIS_SENTINEL_NAME: z.string().trim().min(1).default('quantrac'),
  REDIS_PASSWORD: optionalString,
  /** This node's name in leases, consumer groups and metrics; default `<hostname>-<MQTT_PORT>`. */
  CLUSTER_NODE_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  /** Replicas that must hold an accepted message before its PUBACK. */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(1),
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  /** How long a lease (alert shard, pending log entries) outlives a node that stopped renewing it, ms. */
  CLUSTER_LEASE_MS: z.coerce.number().int().min(1000).default(10_000),
  /**
   * The folder of credentials.json and users.json (default DATA_DIR). In cluster mode, a folder
   * on storage every node shares (docs/CLUSTER.md, "Shared storage"): each node follows the
   * files by mtime, so an account changed on one holds on all within seconds.
   */
  ACCOUNTS_DIR: z.string().trim().min(1).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,32}$/)
    .default('qt:'),
};

export interface ClusterSettings {
  /** Either a URL or Sentinels. */
  redis: { url: string } | { sentinels: Array<{ host: string; port: number }>; name: string };
  password?: string;
  nodeId: string;
  waitReplicas: number;
  waitTimeoutMs: number;
  leaseMs: number;
  keyPrefix: string;
}

export const ClusterConfigSchema = z.object(ClusterConfigShape);
type ClusterConfig = z.infer<typeof ClusterConfigSchema> & { MQTT_PORT: number };

/** The cluster's settings, or undefined in single-process mode (neither REDIS_URL nor REDIS_SENTINELS). */
export function clusterSettings(config: ClusterConfig): ClusterSettings | undefined {
  if (config.REDIS_URL === undefined && config.REDIS_SENTINELS === undefined) return undefined;
  const redis =
    config.REDIS_SENTINELS !== undefined
      ? {
          sentinels: config.REDIS_SENTINELS.split(',').map((hp) => {
            const at = hp.lastIndexOf(':');
            return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
          }),
          name: config.REDIS_SENTINEL_NAME,
        }
      : { url: config.REDIS_URL! };
  return {
    redis,
    password: config.REDIS_PASSWORD,
    nodeId: config.CLUSTER_NODE_ID ?? `${hostname()}-${config.MQTT_PORT}`,
    waitReplicas: config.REDIS_WAIT_REPLICAS,
    waitTimeoutMs: config.REDIS_WAIT_TIMEOUT_MS,
    leaseMs: config.CLUSTER_LEASE_MS,
    keyPrefix: config.REDIS_KEY_PREFIX,
  };
}

/** Where credentials.json and users.json live: ACCOUNTS_DIR, else DATA_DIR. */
export function accountsDir(config: { ACCOUNTS_DIR?: string; DATA_DIR: string }): string {
  return resolve(config.ACCOUNTS_DIR ?? config.DATA_DIR);
}
