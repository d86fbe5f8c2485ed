import type { Route } from '../core/index.js';
import { pathOf, sendError, sendJson } from '../platform/index.js';

export const RELAY_STATUS_PATH = '/api/relay/upstream';

/**
 * GET /api/relay/upstream: the relay's status as JSON, for any signed-in user (the dashboard
 * answers 401 without a session, as for every route not marked public). It names the upstream
 * by scheme, host and port only, never the account's password.
 */
export function createRelayRoutes(status: () => unknown): Route[] {
  return [
    {
      prefix: RELAY_STATUS_PATH,
      handle(req, res, user) {
        if (pathOf(req) !== RELAY_STATUS_PATH) return false;
        if (!user) {
          sendError(res, 401, 'ERR_AUTH', 'sign in first');
          return true;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendError(res, 405, 'ERR_METHOD', 'use GET', { allow: 'GET, HEAD' });
          return true;
        }
        sendJson(res, 200, status());
        return true;
      },
    },
  ];
}
