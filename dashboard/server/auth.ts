import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { COUNTRY, type Logger, type StationScope } from '../../core/index.js';
import { clientAddress as addressOf, parseCookies, readJson, sendError, sendJson, type Clock } from '../../platform/index.js';
import { createLoginCheck } from './login-check.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Session, SessionStore } from './session-store.js';
import type { User, UserStore } from './user-store.js';

export type { LoginRefusalReason } from './login-check.js';

export const SESSION_COOKIE = 'qt_session';

export interface AuthOptions {
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  /** Honour X-Forwarded-Proto and X-Forwarded-For: only behind a trusted reverse proxy. */
  trustProxy?: boolean;
  /** Lifetime of the cookie: the session's absolute maximum age. */
  cookieMaxAgeMs: number;
  /** Called when a session ends (logout, disabled user), to close its live sockets. */
  onSessionEnd?: (sessionId: string) => void;
  /**
   * Password checks (scrypt) running at once and waiting (DASHBOARD_LOGIN_MAX_CONCURRENT_CHECKS,
   * DASHBOARD_LOGIN_MAX_QUEUED_CHECKS; default 1 and 20); beyond, a login gets 503 at once.
   */
  checks?: { maxConcurrent?: number; maxQueued?: number };
  /** Where the refused-login counter goes (the `/metrics` registry); none: not counted. */
  registry?: Registry;
  clock?: Clock;
  log: Logger;
}

export interface Principal {
  user: User;
  session: Session;
  /** The stations this user may see (core/scope.ts). */
  scope: StationScope;
}

export interface Auth {
  /** The logged-in, enabled user behind the request's cookie. */
  principal(req: IncomingMessage): Principal | undefined;
  clientAddress(req: IncomingMessage): string;
  login(req: IncomingMessage, res: ServerResponse): Promise<void>;
  logout(req: IncomingMessage, res: ServerResponse): void;
}

const LoginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

export function createAuth(options: AuthOptions): Auth {
  const { users, sessions, log } = options;

  const secure = (req: IncomingMessage): boolean => {
    if ((req.socket as { encrypted?: boolean }).encrypted) return true;
    return (
      options.trustProxy === true &&
      String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim() === 'https'
    );
  };

  // Behind the trusted proxy, the LAST X-Forwarded-For entry (platform clientAddress): taking the
  // first would let anyone pick a fresh address per login attempt and walk past the per-address throttle.
  const clientAddress = (req: IncomingMessage): string => addressOf(req, options.trustProxy === true);

  const cookie = (req: IncomingMessage, value: string, maxAgeS: number): string =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure(req) ? '; Secure' : ''}`;

  const checkLogin = createLoginCheck(options);

  const startSession = (req: IncomingMessage, res: ServerResponse, user: User, address: string): void => {
    // A new token on every login: a cookie planted before login is worthless (session fixation).
    const prior = sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    if (prior) sessions.destroy(prior.id);
    const { token } = sessions.create(user.name);
    const maxAgeS = Math.floor(options.cookieMaxAgeMs / 1000);
    log.info({ address, user: user.name, role: user.role }, 'login');
    sendJson(res, 200, { user: { name: user.name, role: user.role } }, { 'set-cookie': cookie(req, token, maxAgeS) });
  };

  const principal = (req: IncomingMessage): Principal | undefined => {
    const session = sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    if (!session) return undefined;
    const user = users.get(session.user);
    if (!user || user.disabled) {
      sessions.destroy(session.id);
      options.onSessionEnd?.(session.id);
      return undefined;
    }
    // Scope by level is not decided here yet: every user sees every station.
    const scope: StationScope = { all: true, entries: COUNTRY, has: () => true, stationIds: () => [] };
    return { user, session, scope };
  };

  return {
    principal,
    clientAddress,
    async login(req, res) {
      const parsed = LoginSchema.safeParse(await readJson(req));
      if (!parsed.success) return sendError(res, 400, 'ERR_BAD_LOGIN', 'username and password are required');
      const { username, password } = parsed.data;
      const address = clientAddress(req);
      const verdict = await checkLogin(address, username, password);
      if (!verdict.ok) return sendError(res, verdict.status, verdict.code, verdict.message, verdict.headers);
      startSession(req, res, verdict.user, address);
    },
    logout(req, res) {
      const p = principal(req);
      if (p) {
        sessions.destroy(p.session.id);
        options.onSessionEnd?.(p.session.id);
        log.info({ user: p.user.name }, 'logout');
      }
      res.writeHead(204, { 'set-cookie': cookie(req, '', 0), 'cache-control': 'no-store' }).end();
    },
  };
}
