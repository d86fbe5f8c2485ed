import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuditLog, Logger, SessionPort } from '../../core/index.js';
import { parseCookies, readJson, sendError, sendJson } from '../../platform/index.js';
import { DISPLAY_PREFIX, type Display, type DisplayStore } from './display-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import type { User } from './user-accounts.js';

/** The name a display's sessions and audit entries carry. */
export const displayUserName = (name: string): string => `${DISPLAY_PREFIX}${name}`;

/** The display behind a session's user name, when it is one (`display:<name>`). */
export const displayNameOf = (user: string): string | undefined =>
  user.startsWith(DISPLAY_PREFIX) ? user.slice(DISPLAY_PREFIX.length) : undefined;

/** A display as the account its session acts as: a viewer of its scope, never more (it has no user entry). */
export const displayUser = (d: Display): User => ({
  name: displayUserName(d.name),
  role: 'viewer',
  disabled: false,
  scope: [...d.scope],
  createdAt: d.createdAt,
  updatedAt: d.createdAt,
});

/**
 * The accounts a session may belong to: users, and displays by their `display:` names. The
 * session checks (auth's principal, the session sweeps) look names up here, so a removed
 * display's sessions end exactly as a disabled user's do.
 */
export function accountsWithDisplays(
  users: { get(name: string): User | undefined },
  displays: Pick<DisplayStore, 'get'> | undefined,
): { get(name: string): User | undefined } {
  return {
    get(name) {
      const display = displayNameOf(name);
      if (display === undefined) return users.get(name);
      const d = displays?.get(display);
      return d ? displayUser(d) : undefined;
    },
  };
}

export interface DisplayExchangeOptions {
  displays: Pick<DisplayStore, 'byToken'>;
  sessions: SessionPort;
  /** The login throttle: wrong tokens count against the address as wrong passwords do. */
  throttle: LoginThrottle;
  clientAddress(req: IncomingMessage): string;
  /** The session cookie's header value (auth.ts), with its lifetime. */
  cookie(req: IncomingMessage, token: string, maxAgeS: number): string;
  cookieName: string;
  cookieMaxAgeMs: number;
  audit?: AuditLog;
  log: Logger;
}

const ExchangeSchema = z.object({ token: z.string().min(1).max(256) });

/**
 * `POST /api/display/session {token}`: a display token for a read-only session cookie. The
 * throttle's name is the address itself, so a wrong token locks only the address it came
 * from (and counts with that address's wrong passwords); no one can lock displays out
 * everywhere by spraying wrong tokens.
 */
export function createDisplayExchange(options: DisplayExchangeOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { sessions, log, audit } = options;
  return async (req, res) => {
    const parsed = ExchangeSchema.safeParse(await readJson(req));
    if (!parsed.success) return sendError(res, 400, 'ERR_BAD_TOKEN', 'a display token is required');
    const address = options.clientAddress(req);
    const attempt = await options.throttle.begin(address, `display@${address}`);
    if ('retryAfterMs' in attempt) {
      const headers = { 'retry-after': String(Math.ceil(attempt.retryAfterMs / 1000)) };
      return sendError(res, 429, 'ERR_THROTTLED', 'too many failed attempts: try again later', headers);
    }
    const display = options.displays.byToken(parsed.data.token);
    if (!display) {
      attempt.failed();
      log.warn({ address }, 'display token refused');
      audit?.record({ action: 'display_login_failed', address, outcome: 'refused', detail: { code: 'ERR_BAD_TOKEN' } });
      return sendError(res, 401, 'ERR_BAD_TOKEN', 'this display token is not valid (removed, or mistyped)');
    }
    attempt.succeeded();
    // A new token on every exchange: a cookie planted before is worthless (session fixation).
    const prior = await sessions.get(parseCookies(req.headers.cookie).get(options.cookieName));
    if (prior) await sessions.destroy(prior.id);
    const user = displayUserName(display.name);
    const { token } = await sessions.create(user);
    log.info({ address, display: display.name }, 'display session started');
    audit?.record({ action: 'login', user, address, outcome: 'ok', detail: { display: true } });
    const maxAgeS = Math.floor(options.cookieMaxAgeMs / 1000);
    sendJson(
      res,
      200,
      { user: { name: user, role: 'viewer', scope: display.scope }, display: display.name },
      { 'set-cookie': options.cookie(req, token, maxAgeS) },
    );
  };
}
