import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import type { Observable } from 'rxjs';
import type { AlertEvent, AlertsApi, Catalogue, Logger, Presence, Reading, StorageCondition } from '../../core/index.js';
import { createAlertRoutes } from './alert-routes.js';
import type { ApiContext, ApiRoutes } from './api-context.js';
import { createAuth, type Principal } from './auth.js';
import { fail, HttpError, pathOf, queryOf } from './http-util.js';
import { createLiveHub, type LiveHub, type LiveHubOptions } from './live-hub.js';
import { createLoginThrottle } from './login-throttle.js';
import { createSessionStore } from './session-store.js';
import { stationSummaries } from './station-summaries.js';
import { createStationRoutes, type InfluxQuery } from './station-routes.js';
import { serveStatic } from './static-files.js';
import { createUserRoutes } from './user-routes.js';
import { createUserStore, type UserStore } from './user-store.js';

export interface DashboardOptions {
  host: string;
  port: number;
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  /** The Vite build of dashboard/web. */
  staticDir: string;
  log: Logger;
  /** Extra routes (metrics, health, reports, open data) answered before the dashboard's own. */
  routes?: RouteHandler[];
  /** Where `users.json` lives (DATA_DIR); or give `usersFile`. */
  dataDir?: string;
  usersFile?: string;
  /** InfluxQL for history and availability (ingest's `influx.query`). */
  query?: InfluxQuery;
  /** The alerts engine (issue 5): REST and the snapshot's open alerts. */
  alerts?: AlertsApi;
  /** Alert events, sent to every client at once. */
  alertEvents$?: Observable<AlertEvent>;
  /** Station presence (broker): "interrupted" on the page. */
  presence$?: Observable<Presence>;
  /** Ingest's storage condition: the "storage backlog" banner. */
  storage$?: Observable<StorageCondition>;
  /** Origins besides the page's own, for a reverse proxy that rewrites Host. */
  allowedOrigins?: readonly string[];
  /** Behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto/-For (Secure cookie, client address). */
  trustProxy?: boolean;
  /** scrypt N for new password hashes (default 2^15). */
  passwordCost?: number;
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
  login?: { maxFailures?: number; windowMs?: number; lockMs?: number };
  /** How often open live views refresh their sessions and lose those that ended (default 30 s; tests shorten it). */
  sweepMs?: number;
  live?: Pick<LiveHubOptions, 'frameMs' | 'budgetBytesPerS' | 'maxBufferedBytes' | 'hardBufferedBytes' | 'stuckTimeoutMs' | 'maxPendingReadings'>;
}

/**
 * A route module mounted by path prefix. `public` routes need no session (open data,
 * /healthz, /metrics); the others are answered only for a logged-in user, and a
 * state-changing request to them must come from the page's own Origin.
 * `handle` returns true when it answered the request.
 */
export interface RouteHandler {
  prefix: string;
  public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, user?: { name: string; role: string }): Promise<boolean> | boolean;
}

export interface Dashboard {
  readonly port: number;
  readonly url: string;
  readonly users: UserStore;
  readonly hub: LiveHub;
  close(): Promise<void>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SWEEP_MS = 30_000;

export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { catalogue, log } = options;
  const staticDir = resolve(options.staticDir);
  const usersFile = options.usersFile ?? join(resolve(options.dataDir ?? './data'), 'users.json');
  const users = createUserStore(usersFile, { log, ...(options.passwordCost === undefined ? {} : { cost: options.passwordCost }) });
  // A broken users file is logged now, by name, not at the first login; the centre still starts
  // (broker and ingest matter more than the dashboard) and refuses logins until it is fixed.
  users.check();
  const sessionMaxAgeMs = options.sessionMaxAgeMs ?? 7 * 86_400_000;
  const sessions = createSessionStore({ idleMs: options.sessionIdleMs ?? 12 * 3_600_000, maxAgeMs: sessionMaxAgeMs });
  const hub = createLiveHub({
    catalogue,
    readings$: options.readings$,
    ...(options.alertEvents$ ? { alertEvents$: options.alertEvents$ } : {}),
    ...(options.alerts ? { openAlerts: () => options.alerts!.open() } : {}),
    ...(options.presence$ ? { presence$: options.presence$ } : {}),
    ...(options.storage$ ? { storage$: options.storage$ } : {}),
    ...options.live,
    log,
  });
  const auth = createAuth({
    users,
    sessions,
    throttle: createLoginThrottle({ maxFailures: options.login?.maxFailures ?? 10, windowMs: options.login?.windowMs ?? 15 * 60_000, lockMs: options.login?.lockMs ?? 5 * 60_000 }),
    cookieMaxAgeMs: sessionMaxAgeMs,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    onSessionEnd: (id) => hub.closeSession(id),
    log,
  });
  const summaries = stationSummaries(catalogue);
  let summariesDay = new Date().toISOString().slice(0, 10);
  const stations = (): typeof summaries => {
    // Limits change on their effective dates: recompute once a day.
    const day = new Date().toISOString().slice(0, 10);
    if (day !== summariesDay) {
      summariesDay = day;
      summaries.splice(0, summaries.length, ...stationSummaries(catalogue));
    }
    return summaries;
  };
  const api: ApiRoutes[] = [
    createUserRoutes({ users, endSessions: (name) => sessions.destroyUser(name).forEach((id) => hub.closeSession(id)), log }),
    createStationRoutes({ catalogue, stations, hub, ...(options.query ? { query: options.query } : {}) }),
    createAlertRoutes({ catalogue, log, ...(options.alerts ? { alerts: options.alerts } : {}) }),
  ];
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return fail(res, err.status, err.code, err.message);
      log.error({ err, url: pathOf(req) }, 'request failed');
      if (!res.headersSent) fail(res, 500, 'ERR_INTERNAL', 'internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const stateChanging = !READ_METHODS.has(method);

    if (path === '/api/login' || path === '/api/logout') {
      if (method !== 'POST') return fail(res, 405, 'ERR_METHOD', 'use POST');
      if (!auth.originAllowed(req)) return forbiddenOrigin(req, res);
      return path === '/api/login' ? auth.login(req, res) : auth.logout(req, res);
    }

    let principal: Principal | undefined;
    for (const route of options.routes ?? []) {
      if (!path.startsWith(route.prefix)) continue;
      if (route.public) {
        if (await route.handle(req, res)) return;
        continue;
      }
      principal ??= auth.principal(req);
      if (!principal) return fail(res, 401, 'ERR_LOGIN_REQUIRED', 'log in first');
      if (stateChanging && !auth.originAllowed(req)) return forbiddenOrigin(req, res);
      if (await route.handle(req, res, { name: principal.user.name, role: principal.user.role })) return;
    }

    if (path.startsWith('/api/')) {
      principal ??= auth.principal(req);
      if (!principal) return fail(res, 401, 'ERR_LOGIN_REQUIRED', 'log in first');
      if (stateChanging && !auth.originAllowed(req)) return forbiddenOrigin(req, res);
      const ctx: ApiContext = { principal, path, query: queryOf(req) };
      for (const routes of api) if (await routes(req, res, ctx)) return;
      return fail(res, 404, 'ERR_NOT_FOUND', 'not found');
    }
    if (method !== 'GET' && method !== 'HEAD') return fail(res, 405, 'ERR_METHOD', 'method not allowed');
    // The page itself holds no data: it is served to anyone and shows the login form.
    await serveStatic(staticDir, path, res);
  }

  function forbiddenOrigin(req: IncomingMessage, res: ServerResponse): void {
    log.warn({ origin: req.headers.origin, path: pathOf(req), address: auth.clientAddress(req) }, 'request from a foreign origin refused');
    fail(res, 403, 'ERR_ORIGIN', 'request from a foreign origin');
  }

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    // An event listener: a throw here would be an uncaught exception and stop the whole centre.
    try {
      upgrade(req, socket, head, refuse);
    } catch (err) {
      log.error({ err }, 'live socket upgrade failed');
      refuse(500, 'Internal Server Error');
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (status: number, text: string) => void): void {
    if (pathOf(req) !== '/ws') return refuse(404, 'Not Found');
    // Cross-site WebSocket hijacking: browsers send cookies on a cross-origin upgrade, so the
    // Origin is checked as well as the session (OWASP WebSocket security cheat sheet).
    if (!auth.originAllowed(req)) {
      log.warn({ origin: req.headers.origin, address: auth.clientAddress(req) }, 'live socket from a foreign origin refused');
      return refuse(403, 'Forbidden');
    }
    const principal = auth.principal(req);
    if (!principal) return refuse(401, 'Unauthorized');
    const asked = queryOf(req).get('format');
    const format = asked === 'readings' || asked === 'binary' ? asked : 'compact';
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, { format, sessionId: principal.session.id }));
  }

  // Open live views keep their session alive; expired or disabled sessions lose their sockets.
  const sweep = setInterval(() => {
    try {
      for (const id of hub.sessionIds()) {
        const s = sessions.peek(id);
        const user = s ? users.get(s.user) : undefined;
        if (!s || !user || user.disabled) {
          sessions.destroy(id);
          hub.closeSession(id);
        } else {
          sessions.touch(id);
        }
      }
      for (const id of sessions.sweep()) hub.closeSession(id);
    } catch (err) {
      // A timer callback: a throw would stop the whole centre. The next sweep tries again.
      log.error({ err }, 'session sweep failed');
    }
  }, options.sweepMs ?? SWEEP_MS);
  sweep.unref();

  server.listen(options.port, options.host);
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const url = `http://${options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host}:${port}`;
  log.info({ url }, 'dashboard listening');

  return {
    port,
    url,
    users,
    hub,
    async close() {
      clearInterval(sweep);
      hub.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
