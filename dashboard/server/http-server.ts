import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { MapSettings } from '../../core/index.js';
import { contentSecurityPolicy, SECURITY_HEADERS, systemScheduler, type Clock } from '../../platform/index.js';
import { tileImageSource } from '../../core/config-map.js';
import { createAlertRoutes } from './alert-routes.js';
import type { ApiRoutes } from './api-context.js';
import { createLiveHub, type LiveHub } from './live-hub.js';
import { createLiveUpgrade } from './live-upgrade.js';
import { createOriginCheck } from './origin-check.js';
import { createRequestRouter } from './request-router.js';
import { startSharedSessionSweep } from './session-shared-sweep.js';
import { startSessionSweep } from './session-sweep.js';
import { dailyStationSummaries } from './station-summaries.js';
import { createStationRoutes } from './station-routes.js';
import { createUserRoutes } from './user-routes.js';
import { createAccess, type Sessions } from './dashboard-access.js';
import { createMapRoutes } from './map-routes.js';
import type { DashboardOptions } from './dashboard-options.js';
import type { UserStore } from './user-store.js';

export type { DashboardOptions };

const SWEEP_MS = 30_000;

export interface Dashboard {
  readonly port: number;
  readonly url: string;
  readonly users: UserStore;
  readonly hub: LiveHub;
  close(): Promise<void>;
}

function startHub(options: DashboardOptions): LiveHub {
  return createLiveHub({
    catalogue: options.catalogue,
    readings$: options.readings$,
    ...(options.alertEvents$ ? { alertEvents$: options.alertEvents$ } : {}),
    ...(options.alerts ? { openAlerts: () => options.alerts!.open() } : {}),
    ...(options.presence$ ? { presence$: options.presence$ } : {}),
    ...(options.storage$ ? { storage$: options.storage$ } : {}),
    ...options.live,
    log: options.log,
  });
}

/** The REST API under /api/: users, station data, alerts. */
function apiRoutes(options: DashboardOptions, clock: Clock, hub: LiveHub, users: UserStore, sessions: Sessions): ApiRoutes[] {
  const { catalogue, log } = options;
  // A shared store's other nodes close their sockets of these sessions at their next sweep.
  const endSessions =
    sessions.kind === 'memory'
      ? (name: string): void => sessions.store.destroyUser(name).forEach((id) => hub.closeSession(id))
      : async (name: string): Promise<void> => (await sessions.store.destroyUser(name)).forEach((id) => hub.closeSession(id));
  return [
    createUserRoutes({ users, endSessions, catalogue, log }),
    createStationRoutes({
      catalogue,
      stations: dailyStationSummaries(catalogue, clock),
      hub,
      clock,
      ...(options.query ? { query: options.query } : {}),
    }),
    createAlertRoutes({ catalogue, log, clock, ...(options.alerts ? { alerts: options.alerts } : {}) }),
    createMapRoutes(options.map ?? { attribution: '' }),
  ];
}

/** The page's security headers: a configured map tile server's origin may serve its images. */
function pageHeaders(map: MapSettings | undefined): Readonly<Record<string, string>> {
  const tiles = map ? tileImageSource(map) : undefined;
  return tiles ? { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy([tiles]) } : SECURITY_HEADERS;
}

/** Listens, and names the URL the dashboard is reached at (a loopback or wildcard host as localhost). */
async function listen(server: Server, host: string, port: number): Promise<{ port: number; url: string }> {
  server.listen(port, host);
  await once(server, 'listening');
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { port: bound, url: `http://${host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host}:${bound}` };
}

/**
 * The dashboard server: the live hub (live-hub.ts), accounts and sessions, the HTTP router
 * (request-router.ts), the WebSocket upgrade (live-upgrade.ts) and the session sweep
 * (session-sweep.ts), joined here and started.
 */
export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const hub = startHub(options);
  const { users, sessions, auth, persistence, accounts } = createAccess(options, clock, scheduler, hub);
  const api = apiRoutes(options, clock, hub, users, sessions);
  let bound = options.port;
  const origin = createOriginCheck({
    host: options.host,
    port: () => bound,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  const routes = options.routes ?? [];
  const server = createServer(
    createRequestRouter({
      auth,
      origin,
      routes,
      api,
      staticDir: resolve(options.staticDir),
      staticHeaders: pageHeaders(options.map),
      log,
      clock,
      audit: options.audit,
    }),
  );
  const live = createLiveUpgrade({ auth, origin, hub, log, clock });
  server.on('upgrade', live.onUpgrade);

  const { port, url } = await listen(server, options.host, options.port);
  bound = port;
  // Open live views keep their session alive; expired or disabled sessions lose their sockets.
  // Started once listening: a server that failed to start leaves no timer behind.
  const sweepMs = options.sweepMs ?? SWEEP_MS;
  const sweep =
    sessions.kind === 'memory'
      ? startSessionSweep({ hub, sessions: sessions.store, users: accounts, log }, sweepMs, scheduler)
      : startSharedSessionSweep({ hub, sessions: sessions.store, users: accounts, log }, sweepMs, scheduler);
  log.info({ url }, 'dashboard listening');

  return {
    port,
    url,
    users,
    hub,
    async close() {
      sweep.unsubscribe();
      hub.close();
      live.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await persistence?.close();
    },
  };
}
