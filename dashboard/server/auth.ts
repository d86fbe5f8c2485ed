import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import {
  isPending,
  type AuditLog,
  type Catalogue,
  type Logger,
  type MaybePromise,
  type SessionPort,
  type StationScope,
} from '../../core/index.js';
import { clientAddress as addressOf, parseCookies, readJson, sendError, sendJson, type Clock } from '../../platform/index.js';
import { loggableUser } from './auth-log-user.js';
import { accountsWithDisplays, createDisplayExchange, displayNameOf } from './display-session.js';
import type { DisplayStore } from './display-tokens.js';
import { createLoginCheck } from './login-check.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Session } from './session-store.js';
import { userNameKey, type User, type UserStore } from './user-store.js';
import { createScopeResolver, isFacilityScope } from './user-scope.js';

export type { LoginRefusalReason } from './login-check.js';

export const SESSION_COOKIE = 'qt_session';

export interface AuthOptions {
  users: UserStore;
  /** The in-memory store, or a shared one in cluster mode (core/session-port.ts). */
  sessions: SessionPort;
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
  /** What users' scopes are resolved against (core/scope.ts); none: only a country scope sees anything. */
  catalogue?: Catalogue;
  /** Where logins, failed logins and logouts are recorded (docs/SECURITY.md, "Audit log"). */
  audit?: AuditLog;
  /** Display tokens (display-tokens.ts): none, and no display can open a session. */
  displays?: DisplayStore;
}

export interface Principal {
  user: User;
  session: Session;
  /** The stations this user may see (core/scope.ts). */
  scope: StationScope;
  /** The display's name when the session is a display's (read-only: the request router refuses its writes). */
  display?: string;
}

export interface Auth {
  /** The logged-in, enabled user behind the request's cookie: at once from the in-memory store, a promise from a shared one. */
  principal(req: IncomingMessage): MaybePromise<Principal | undefined>;
  clientAddress(req: IncomingMessage): string;
  login(req: IncomingMessage, res: ServerResponse): Promise<void>;
  logout(req: IncomingMessage, res: ServerResponse): MaybePromise<void>;
  /** `POST /api/display/session {token}`: a display token for a read-only session (display-session.ts). */
  displayLogin(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const LoginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** The display a session belongs to, as the principal's `display` field. */
function displayOf(session: Session): { display?: string } {
  const display = displayNameOf(session.user);
  return display === undefined ? {} : { display };
}

/** `POST /api/display/session` over this auth's sessions, throttle and cookie (display-session.ts). */
function displayExchange(
  options: AuthOptions,
  clientAddress: (req: IncomingMessage) => string,
  cookie: (req: IncomingMessage, value: string, maxAgeS: number) => string,
): Auth['displayLogin'] {
  return createDisplayExchange({
    displays: options.displays ?? { byToken: () => undefined },
    sessions: options.sessions,
    throttle: options.throttle,
    clientAddress,
    cookie,
    cookieName: SESSION_COOKIE,
    cookieMaxAgeMs: options.cookieMaxAgeMs,
    ...(options.audit ? { audit: options.audit } : {}),
    log: options.log,
  });
}

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
  const scopeOf = createScopeResolver(options.catalogue);
  const audit = options.audit;

  /**
   * Who a refused login was for, as the audit log may keep it: a known user's name; an unknown
   * name only as its keyed fingerprint, since it may be a password typed in the wrong field
   * (auth-log-user.ts; docs/SECURITY.md: no secret in logs).
   */
  const triedName = (username: string): string => {
    const known = users.get(userNameKey(username)) !== undefined;
    const l = loggableUser(username, known);
    return known ? String(l['user']) : `unknown:${String(l['userFingerprint'])}`;
  };

  const startSession = async (req: IncomingMessage, res: ServerResponse, user: User, address: string): Promise<void> => {
    // A new token on every login: a cookie planted before login is worthless (session fixation).
    const prior = await sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    if (prior) await sessions.destroy(prior.id);
    const { token } = await sessions.create(user.name);
    const maxAgeS = Math.floor(options.cookieMaxAgeMs / 1000);
    log.info({ address, user: user.name, role: user.role }, 'login');
    audit?.record({ action: 'login', user: user.name, address, outcome: 'ok' });
    sendJson(res, 200, { user: { name: user.name, role: user.role, scope: user.scope } }, { 'set-cookie': cookie(req, token, maxAgeS) });
  };

  const endSession = (id: string): void => {
    const ended = sessions.destroy(id);
    if (isPending(ended)) ended.catch((err: unknown) => log.warn({ err }, 'ending a session failed; it expires on its own'));
    options.onSessionEnd?.(id);
  };

  const accounts = accountsWithDisplays(users, options.displays);
  const principalOf = (session: Session | undefined): Principal | undefined => {
    if (!session) return undefined;
    const user = accounts.get(session.user);
    if (!user || user.disabled) {
      endSession(session.id);
      return undefined;
    }
    // Decided once per request, here on the server, as a set of stations (docs/SECURITY.md, "Access by level").
    const scope = scopeOf(user.scope);
    // A facility user is a company's own account and never acts, even when a hand-edited file says otherwise.
    const acting = isFacilityScope(user.scope) && user.role !== 'viewer' ? { ...user, role: 'viewer' as const } : user;
    return { user: acting, session, scope, ...displayOf(session) };
  };

  // The in-memory store answers at once and so does this, as it always did; a shared store's
  // answer is a round trip (cluster mode, docs/ARCHITECTURE.md "Cluster mode").
  const principal = (req: IncomingMessage): MaybePromise<Principal | undefined> => {
    const found = sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    return isPending(found) ? found.then(principalOf) : principalOf(found);
  };

  return {
    principal,
    clientAddress,
    displayLogin: displayExchange(options, clientAddress, cookie),
    async login(req, res) {
      const parsed = LoginSchema.safeParse(await readJson(req));
      if (!parsed.success) return sendError(res, 400, 'ERR_BAD_LOGIN', 'username and password are required');
      const { username, password } = parsed.data;
      const address = clientAddress(req);
      const verdict = await checkLogin(address, username, password);
      if (!verdict.ok) {
        audit?.record({ action: 'login_failed', target: triedName(username), address, outcome: 'refused', detail: { code: verdict.code } });
        return sendError(res, verdict.status, verdict.code, verdict.message, verdict.headers);
      }
      await startSession(req, res, verdict.user, address);
    },
    async logout(req, res) {
      const p = await principal(req);
      if (p) {
        await sessions.destroy(p.session.id);
        options.onSessionEnd?.(p.session.id);
        log.info({ user: p.user.name }, 'logout');
        audit?.record({ action: 'logout', user: p.user.name, address: clientAddress(req), outcome: 'ok' });
      }
      res.writeHead(204, { 'set-cookie': cookie(req, '', 0), 'cache-control': 'no-store' }).end();
    },
  };
}
