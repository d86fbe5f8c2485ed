import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog, Logger, Route } from '../../core/index.js';
import {
  createRateLimitedLog,
  HttpError,
  pathOf,
  queryOf,
  SECURITY_HEADERS,
  sendError,
  systemClock,
  type Clock,
} from '../../platform/index.js';
import { ParamError, sendParamError } from '../../platform/http/query-params.js';
import type { ApiContext, ApiRoutes } from './api-context.js';
import type { Auth, Principal } from './auth.js';
import type { OriginCheck } from './origin-check.js';
import { createStaticFiles } from './static-files.js';

export interface RequestRouterOptions {
  auth: Pick<Auth, 'principal' | 'clientAddress' | 'login' | 'logout'> & Partial<Pick<Auth, 'displayLogin'>>;
  /** The dashboard's own origins (origin-check.ts): state-changing requests must come from one. */
  origin: Pick<OriginCheck, 'allowed'>;
  /** Mounted routes (metrics, health, reports, open data), tried in order before the dashboard's own. */
  routes: readonly Route[];
  /** The dashboard's REST routes under /api/. */
  api: readonly ApiRoutes[];
  /** The Vite build of dashboard/web (absolute). */
  staticDir: string;
  /** The page's security headers (default SECURITY_HEADERS): static-files.ts. */
  staticHeaders?: Readonly<Record<string, string>>;
  log: Logger;
  /** Times the rate limit of refusal log lines (default the system's). */
  clock?: Clock;
  /** Where the REST routes' audited actions go (ApiContext.audit). */
  audit?: AuditLog;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Where a display token is exchanged for a session (display-session.ts). */
export const DISPLAY_SESSION_PATH = '/api/display/session';
/** A logged path is cut here: a refused request's URL is the client's text, of any length. */
const LOGGED_PATH_CHARS = 200;

/**
 * The checks before a route that is not public: a session (else 401); for a state-changing
 * request, the dashboard's own Origin (else 403, logged at most once a minute) and a session
 * that may write: a display's is read-only (403 ERR_READ_ONLY), decided here once for every
 * route, present and future. `known` is the principal already found for this request, so the
 * session is looked up once.
 */
function createAccessCheck(options: RequestRouterOptions, note: ReturnType<typeof createRateLimitedLog>) {
  const { auth, origin } = options;
  const refuseOrigin = (req: IncomingMessage, res: ServerResponse): void => {
    const fields = { origin: req.headers.origin, path: pathOf(req).slice(0, LOGGED_PATH_CHARS), address: auth.clientAddress(req) };
    note('warn', 'origin', fields, 'request from a foreign origin refused');
    sendError(res, 403, 'ERR_ORIGIN', 'request from a foreign origin');
  };
  const admit = async (req: IncomingMessage, res: ServerResponse, known: Principal | undefined): Promise<Principal | undefined> => {
    // A shared session store (cluster mode) answers with a promise: one Redis round trip per request.
    const principal = known ?? (await auth.principal(req));
    if (!principal) {
      sendError(res, 401, 'ERR_LOGIN_REQUIRED', 'log in first');
      return undefined;
    }
    if (READ_METHODS.has(req.method ?? 'GET')) return principal;
    if (!origin.allowed(req)) {
      refuseOrigin(req, res);
      return undefined;
    }
    if (principal.display !== undefined) {
      sendError(res, 403, 'ERR_READ_ONLY', 'a display is read-only');
      return undefined;
    }
    return principal;
  };
  return { admit, refuseOrigin };
}

/**
 * The HTTP request handler: login and logout, then the mounted routes (public ones need no
 * session), then the REST API, then the page's static files. Every answer carries the security
 * headers, whichever part writes it. A thrown HttpError is answered with its status and logged
 * at info at most once a minute per code (a client's mistake, not the centre's); anything else
 * is logged as an error and answered 500 (or the socket is dropped when the answer had begun).
 */
export function createRequestRouter(options: RequestRouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { auth, log } = options;
  const note = createRateLimitedLog(log, 60_000, options.clock ?? systemClock);
  const access = createAccessCheck(options, note);
  const staticFiles = createStaticFiles(options.staticDir, options.staticHeaders ? { securityHeaders: options.staticHeaders } : {});

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === '/api/login' || path === '/api/logout') {
      if (method !== 'POST') return sendError(res, 405, 'ERR_METHOD', 'use POST');
      if (!options.origin.allowed(req)) return access.refuseOrigin(req, res);
      return path === '/api/login' ? auth.login(req, res) : auth.logout(req, res);
    }
    if (path === DISPLAY_SESSION_PATH && auth.displayLogin) {
      if (method !== 'POST') return sendError(res, 405, 'ERR_METHOD', 'use POST');
      if (!options.origin.allowed(req)) return access.refuseOrigin(req, res);
      return auth.displayLogin(req, res);
    }
    let principal: Principal | undefined;
    for (const route of options.routes) {
      if (!path.startsWith(route.prefix)) continue;
      if (route.public) {
        if (await route.handle(req, res)) return;
        continue;
      }
      principal = await access.admit(req, res, principal);
      if (!principal) return;
      if (await route.handle(req, res, { name: principal.user.name, role: principal.user.role, scope: principal.scope })) return;
    }
    if (path.startsWith('/api/')) {
      principal = await access.admit(req, res, principal);
      if (!principal) return;
      const address = auth.clientAddress(req);
      const user = principal.user.name;
      const audit = options.audit;
      const ctx: ApiContext = {
        principal,
        path,
        query: queryOf(req),
        address,
        audit: (entry) => audit?.record({ ...entry, user, address }),
      };
      for (const routes of options.api) if (await routes(req, res, ctx)) return;
      return sendError(res, 404, 'ERR_NOT_FOUND', 'not found');
    }
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'ERR_METHOD', 'method not allowed');
    // The page itself holds no data: it is served to anyone and shows the login form.
    await staticFiles.serve(req, res, path);
  }

  const refused = (req: IncomingMessage, res: ServerResponse, err: HttpError): void => {
    const param = err instanceof ParamError ? err.param : undefined;
    note(
      'info',
      `refused:${err.code}`,
      { status: err.status, code: err.code, param, path: pathOf(req).slice(0, LOGGED_PATH_CHARS) },
      'request refused',
    );
    if (err instanceof ParamError) sendParamError(res, err);
    else sendError(res, err.status, err.code, err.message);
  };

  return (req, res) => {
    // Set before any part answers: writeHead merges them, so no route can leave one out.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return refused(req, res, err);
      log.error({ err, url: pathOf(req).slice(0, LOGGED_PATH_CHARS) }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'ERR_INTERNAL', 'internal error');
      else res.destroy();
    });
  };
}
