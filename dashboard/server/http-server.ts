import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type {
  AlertEvent,
  AlertsApi,
  AuditLog,
  Catalogue,
  InfluxQuery,
  Logger,
  MapSettings,
  Presence,
  Reading,
  Route,
  SessionPort,
  StorageCondition,
} from '../../core/index.js';
import { contentSecurityPolicy, SECURITY_HEADERS, systemScheduler, type Clock, type SchedulerLike } from '../../platform/index.js';
import { tileImageSource } from '../../core/config-map.js';
import { createAlertRoutes } from './alert-routes.js';
import type { ApiRoutes } from './api-context.js';
import { createAuth, type Auth } from './auth.js';
import { accountsWithDisplays } from './display-session.js';
import { createDisplayStore, displaysFileIn } from './display-tokens.js';
import { createLiveHub, type LiveHub, type LiveHubOptions } from './live-hub.js';
import { createLiveUpgrade } from './live-upgrade.js';
import { createLoginThrottle } from './login-throttle.js';
import { createOriginCheck } from './origin-check.js';
import { createRequestRouter } from './request-router.js';
import { readSessionFile, SESSIONS_FILE, startSessionPersistence, type SessionPersistence } from './session-file.js';
import { startSharedSessionSweep } from './session-shared-sweep.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import { startSessionSweep } from './session-sweep.js';
import { dailyStationSummaries } from './station-summaries.js';
import { createStationRoutes } from './station-routes.js';
import { createUserRoutes } from './user-routes.js';
import { createMapRoutes } from './map-routes.js';
import { createUserStore, type UserStore } from './user-store.js';

export interface DashboardOptions {
  host: string;
  port: number;
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  /** The Vite build of dashboard/web. */
  staticDir: string;
  log: Logger;
  /**
   * Extra routes (metrics, health, reports, open data) answered before the dashboard's own.
   * `public` ones need no session; the others are answered only for a logged-in user, and a
   * state-changing request to them must come from the page's own Origin.
   */
  routes?: Route[];
  /** Where `users.json` lives (DATA_DIR); or give `usersFile`. */
  dataDir?: string;
  usersFile?: string;
  /** Where the display tokens live (default `displays.json` beside the users file). */
  displaysFile?: string;
  /** InfluxQL for history and availability (ingest's `influx.query`). */
  query?: InfluxQuery;
  /** The alerts engine: REST and the snapshot's open alerts. */
  alerts?: AlertsApi;
  /** Alert events, sent to every client at once. */
  alertEvents$?: Observable<AlertEvent>;
  /** Station presence (broker): "interrupted" on the page. */
  presence$?: Observable<Presence>;
  /** Ingest's storage condition: the "storage backlog" banner. */
  storage$?: Observable<StorageCondition>;
  /**
   * Origins besides the listening address's own (DASHBOARD_ORIGINS): every DNS name or proxy
   * origin the page is reached at. The request's Host header is never trusted for this.
   */
  allowedOrigins?: readonly string[];
  /** Behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto/-For (Secure cookie, client address). */
  trustProxy?: boolean;
  /** scrypt N for new password hashes (default 2^15). */
  passwordCost?: number;
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
  /**
   * Makes the session store shared by the nodes (cluster mode, docs/ARCHITECTURE.md "Cluster
   * mode"), given the dashboard's idle timeout, maximum age and clock. None: sessions in memory.
   */
  sessionStore?: (limits: { idleMs: number; maxAgeMs: number; clock: Clock }) => SessionPort;
  /** Login throttling and the bound on password checks (login-throttle.ts; docs/SECURITY.md, "Login throttling"). */
  login?: {
    maxFailures?: number;
    windowMs?: number;
    lockMs?: number;
    nameBackoffAfter?: number;
    nameBackoffMaxMs?: number;
    maxConcurrentChecks?: number;
    maxQueuedChecks?: number;
  };
  /** Where the dashboard's login counters go (the `/metrics` registry); none: not counted. */
  registry?: Registry;
  /** How often open live views refresh their sessions and lose those that ended (default 30 s; tests shorten it). */
  sweepMs?: number;
  live?: Pick<
    LiveHubOptions,
    'frameMs' | 'budgetBytesPerS' | 'maxBufferedBytes' | 'hardBufferedBytes' | 'stuckTimeoutMs' | 'maxPendingReadings'
  >;
  /** Runs the session sweep (default the system's; tests may pass a virtual one). */
  scheduler?: SchedulerLike;
  /** Sessions, logins, users and routes read the time here (default `scheduler`). */
  clock?: Clock;
  /**
   * The audit log (docs/SECURITY.md, "Audit log"): logins, failed logins, logouts, user changes,
   * alert actions, exports and refusals by scope. None: nothing is audited.
   */
  audit?: AuditLog;
  /** The map's basemap (MAP_STYLE_URL; `GET /api/map`); none: the page's bundled offline basemap. */
  map?: MapSettings;
}

export interface Dashboard {
  readonly port: number;
  readonly url: string;
  readonly users: UserStore;
  readonly hub: LiveHub;
  close(): Promise<void>;
}

const SWEEP_MS = 30_000;
/** The sessions file is written at most this often: a restart loses at most this much activity. */
const SESSIONS_WRITE_MS = 5_000;

/** The accounts, the sessions and the login checks over them. */
type Sessions = { kind: 'memory'; store: SessionStore } | { kind: 'shared'; store: SessionPort };

/**
 * Single-process sessions, kept in DATA_DIR/sessions.json when a data directory is given so that
 * they survive a restart (session-file.ts; docs/SECURITY.md, "Sessions").
 */
function memorySessions(
  options: DashboardOptions,
  limits: { idleMs: number; maxAgeMs: number; clock: Clock },
  scheduler: SchedulerLike,
): { store: SessionStore; persistence: SessionPersistence | undefined } {
  if (options.dataDir === undefined) return { store: createSessionStore(limits), persistence: undefined };
  const file = join(resolve(options.dataDir), SESSIONS_FILE);
  // The store is made after its persistence (which reads it only when a write starts).
  const persistence = startSessionPersistence({
    file,
    sessions: () => store.all(),
    periodMs: SESSIONS_WRITE_MS,
    scheduler,
    log: options.log,
  });
  const store = createSessionStore({ ...limits, initial: readSessionFile(file, options.log), onChange: () => persistence.changed() });
  // Expired sessions dropped at load leave the file: rewrite it.
  persistence.changed();
  return { store, persistence };
}

function createAccess(
  options: DashboardOptions,
  clock: Clock,
  scheduler: SchedulerLike,
  hub: LiveHub,
): {
  users: UserStore;
  sessions: Sessions;
  auth: Auth;
  persistence: SessionPersistence | undefined;
  accounts: Pick<UserStore, 'get'>;
} {
  const { log } = options;
  const usersFile = options.usersFile ?? join(resolve(options.dataDir ?? './data'), 'users.json');
  const users = createUserStore(usersFile, {
    log,
    clock,
    catalogue: () => options.catalogue,
    ...(options.passwordCost === undefined ? {} : { cost: options.passwordCost }),
  });
  // A broken users file is logged now, by name, not at the first login; the centre still starts
  // (broker and ingest matter more than the dashboard) and refuses logins until it is fixed.
  users.check();
  const displays = createDisplayStore(options.displaysFile ?? displaysFileIn(dirname(usersFile)), { clock, log });
  const sessionMaxAgeMs = options.sessionMaxAgeMs ?? 7 * 86_400_000;
  const limits = { idleMs: options.sessionIdleMs ?? 12 * 3_600_000, maxAgeMs: sessionMaxAgeMs, clock };
  const memory = options.sessionStore ? undefined : memorySessions(options, limits, scheduler);
  const sessions: Sessions = memory ? { kind: 'memory', store: memory.store } : { kind: 'shared', store: options.sessionStore!(limits) };
  const { maxFailures = 10, windowMs = 15 * 60_000, lockMs = 5 * 60_000, nameBackoffAfter, nameBackoffMaxMs } = options.login ?? {};
  const auth = createAuth({
    users,
    sessions: sessions.store,
    throttle: createLoginThrottle({ maxFailures, windowMs, lockMs, nameBackoffAfter, nameBackoffMaxMs, clock }),
    checks: { maxConcurrent: options.login?.maxConcurrentChecks, maxQueued: options.login?.maxQueuedChecks },
    registry: options.registry,
    clock,
    cookieMaxAgeMs: sessionMaxAgeMs,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    onSessionEnd: (id) => hub.closeSession(id),
    catalogue: options.catalogue,
    ...(options.audit ? { audit: options.audit } : {}),
    displays,
    log,
  });
  return { users, sessions, auth, persistence: memory?.persistence, accounts: accountsWithDisplays(users, displays) };
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
