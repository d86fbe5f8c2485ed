import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route, RouteUser } from '../core/index.js';
import { instantParam, intParam, parseUrl, ParamError, sendError, sendJson, sendParamError, single } from '../platform/index.js';
import type { AuditFilter, AuditQueryResult } from './audit-query.js';

export const AUDIT_PATH = '/api/audit';
export const MAX_AUDIT_LIMIT = 10_000;
const PARAMS = new Set(['since', 'until', 'user', 'action', 'limit']);
const ACTION = /^[a-z][a-z0-9_]{0,63}$/;

/** GET /api/audit's query, parsed strictly (platform query-params): a bad or unknown parameter is a ParamError. */
export function auditFilterOf(q: URLSearchParams): AuditFilter {
  for (const name of q.keys())
    if (!PARAMS.has(name)) throw new ParamError(name, 'not a parameter of /api/audit (since, until, user, action, limit)');
  const filter: AuditFilter = { limit: intParam(q, 'limit', { min: 1, max: MAX_AUDIT_LIMIT }, 1000), order: 'newest' };
  const since = instantParam(q, 'since', NaN);
  const until = instantParam(q, 'until', NaN);
  if (!Number.isNaN(since)) filter.since = since;
  if (!Number.isNaN(until)) filter.until = until;
  if (filter.since !== undefined && filter.until !== undefined && filter.until <= filter.since)
    throw new ParamError('until', 'must be after since');
  const user = single(q, 'user');
  if (user !== null) {
    if (user.length > 256) throw new ParamError('user', 'at most 256 characters');
    filter.user = user;
  }
  const action = single(q, 'action');
  if (action !== null) {
    if (!ACTION.test(action)) throw new ParamError('action', 'an action name: lower-case letters, digits and "_"');
    filter.action = action;
  }
  return filter;
}

/**
 * The admins' reading of the audit log (docs/SECURITY.md, "Audit log"): GET /api/audit ->
 * `{ entries, skipped }`, newest first. Admin role only (403 ERR_FORBIDDEN otherwise); the
 * dashboard mounts it behind the session, so no login is a 401 before it.
 */
export function auditRoutes(auditLog: { query(filter: AuditFilter): Promise<AuditQueryResult> }): Route[] {
  return [
    {
      prefix: AUDIT_PATH,
      async handle(req: IncomingMessage, res: ServerResponse, user?: RouteUser): Promise<boolean> {
        const url = parseUrl(req);
        if (url.pathname !== AUDIT_PATH && url.pathname !== `${AUDIT_PATH}/`) return false;
        // The log names every province's users and stations: admins of the whole country only.
        if (user?.role !== 'admin' || !user.scope.all) {
          sendError(res, 403, 'ERR_FORBIDDEN', 'the audit log is for admins of the whole country');
          return true;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: 'the audit log is read-only: use GET', code: 'ERR_METHOD' }, { allow: 'GET, HEAD' });
          return true;
        }
        let filter: AuditFilter;
        try {
          filter = auditFilterOf(url.searchParams);
        } catch (err) {
          if (!(err instanceof ParamError)) throw err;
          sendParamError(res, err);
          return true;
        }
        const { entries, skipped } = await auditLog.query(filter);
        sendJson(res, 200, { entries, skipped });
        return true;
      },
    },
  ];
}
