import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Route } from '../../core/index.js';
import { HttpError, pathOf, queryOf, sendError } from '../../platform/index.js';
import type { ApiContext, ApiRoutes } from './api-context.js';
import type { Auth, Principal } from './auth.js';
import { serveStatic } from './static-files.js';

export interface RequestRouterOptions {
  auth: Auth;
  /** Mounted routes (metrics, health, reports, open data), tried in order before the dashboard's own. */
  routes: readonly Route[];
  /** The dashboard's REST routes under /api/. */
  api: readonly ApiRoutes[];
  /** The Vite build of dashboard/web (absolute). */
  staticDir: string;
  log: Logger;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The checks before a route that is not public: a session (else 401) and, for a state-changing
 * request, the page's own Origin (else 403, logged). `known` is the principal already found for
 * this request, so the session is looked up once.
 */
function createAccessCheck(auth: Auth, log: Logger) {
  const refuseOrigin = (req: IncomingMessage, res: ServerResponse): void => {
    log.warn({ origin: req.headers.origin, path: pathOf(req), address: auth.clientAddress(req) }, 'request from a foreign origin refused');
    sendError(res, 403, 'ERR_ORIGIN', 'request from a foreign origin');
  };
  const admit = (req: IncomingMessage, res: ServerResponse, known: Principal | undefined): Principal | undefined => {
    const principal = known ?? auth.principal(req);
    if (!principal) {
      sendError(res, 401, 'ERR_LOGIN_REQUIRED', 'log in first');
      return undefined;
    }
    if (!READ_METHODS.has(req.method ?? 'GET') && !auth.originAllowed(req)) {
      refuseOrigin(req, res);
      return undefined;
    }
    return principal;
  };
  return { admit, refuseOrigin };
}

/**
 * The HTTP request handler: login and logout, then the mounted routes (public ones need no
 * session), then the REST API, then the page's static files. A thrown HttpError is answered
 * with its status; anything else is logged and answered 500 (or the socket is dropped when
 * the answer had begun).
 */
export function createRequestRouter(options: RequestRouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { auth, log } = options;
  const access = createAccessCheck(auth, log);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === '/api/login' || path === '/api/logout') {
      if (method !== 'POST') return sendError(res, 405, 'ERR_METHOD', 'use POST');
      if (!auth.originAllowed(req)) return access.refuseOrigin(req, res);
      return path === '/api/login' ? auth.login(req, res) : auth.logout(req, res);
    }
    let principal: Principal | undefined;
    for (const route of options.routes) {
      if (!path.startsWith(route.prefix)) continue;
      if (route.public) {
        if (await route.handle(req, res)) return;
        continue;
      }
      principal = access.admit(req, res, principal);
      if (!principal) return;
      if (await route.handle(req, res, { name: principal.user.name, role: principal.user.role })) return;
    }
    if (path.startsWith('/api/')) {
      principal = access.admit(req, res, principal);
      if (!principal) return;
      const ctx: ApiContext = { principal, path, query: queryOf(req) };
      for (const routes of options.api) if (await routes(req, res, ctx)) return;
      return sendError(res, 404, 'ERR_NOT_FOUND', 'not found');
    }
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'ERR_METHOD', 'method not allowed');
    // The page itself holds no data: it is served to anyone and shows the login form.
    await serveStatic(options.staticDir, path, res);
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message);
      log.error({ err, url: pathOf(req) }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'ERR_INTERNAL', 'internal error');
      else res.destroy();
    });
  };
}
