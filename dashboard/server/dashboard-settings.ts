import { join, resolve } from 'node:path';
import { accountsDir, mapSettings, type Config } from '../../core/index.js';
import { displaysFileIn } from './display-tokens.js';
import type { DashboardOptions } from './http-server.js';

/** The dashboard server's settings from the configuration (docs/CONFIGURATION.md, "Dashboard (HTTP)"). */
export function dashboardSettings(
  config: Config,
): Pick<
  DashboardOptions,
  | 'host'
  | 'port'
  | 'dataDir'
  | 'usersFile'
  | 'displaysFile'
  | 'allowedOrigins'
  | 'trustProxy'
  | 'sessionIdleMs'
  | 'sessionMaxAgeMs'
  | 'login'
  | 'passwordCost'
  | 'live'
  | 'map'
> {
  return {
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    dataDir: resolve(config.DATA_DIR),
    usersFile: join(accountsDir(config), 'users.json'),
    displaysFile: displaysFileIn(accountsDir(config)),
    allowedOrigins: config.DASHBOARD_ORIGINS,
    trustProxy: config.DASHBOARD_TRUST_PROXY,
    sessionIdleMs: config.DASHBOARD_SESSION_IDLE_MIN * 60_000,
    sessionMaxAgeMs: config.DASHBOARD_SESSION_MAX_H * 3_600_000,
    login: {
      maxFailures: config.DASHBOARD_LOGIN_MAX_FAILURES,
      lockMs: config.DASHBOARD_LOGIN_LOCK_S * 1000,
      nameBackoffAfter: config.DASHBOARD_LOGIN_NAME_BACKOFF_AFTER,
      nameBackoffMaxMs: config.DASHBOARD_LOGIN_NAME_BACKOFF_MAX_S * 1000,
      maxConcurrentChecks: config.DASHBOARD_LOGIN_MAX_CONCURRENT_CHECKS,
      maxQueuedChecks: config.DASHBOARD_LOGIN_MAX_QUEUED_CHECKS,
    },
    passwordCost: config.DASHBOARD_SCRYPT_COST,
    live: { frameMs: config.DASHBOARD_FRAME_MS },
    map: mapSettings(config),
  };
}
