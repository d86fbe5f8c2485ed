import type { Redis } from 'ioredis';
import type { Catalogue, ClusterSettings, Config, Logger } from './core/index.js';

/** Cluster mode's settings and the Redis command connection its parts share (main-cluster.ts). */
export interface ClusterWiring {
  settings: ClusterSettings;
  redis: Redis;
}

/** What main.ts's wiring steps share: the settings, the log, the catalogue, and the list of closers (run in reverse). */
export interface Wiring {
  config: Config;
  log: Logger;
  catalogue: Catalogue;
  onClose(fn: () => Promise<void>): void;
  /** Set in cluster mode (REDIS_URL or REDIS_SENTINELS). */
  cluster?: ClusterWiring;
}
