import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/index.js';
import { addressKey, clientAddress, SECURITY_HEADERS, sendJson } from '../platform/index.js';
import type { RateLimiter } from './rate-limiter.js';

// Anyone may read from any origin (the data strategy asks for open data); nothing is writable.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Disposition, Retry-After, RateLimit-Remaining',
};
const ALLOW = 'GET, HEAD, OPTIONS';

export interface OpenDataGate {
  limiter: RateLimiter;
  /** Read the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
  trustProxy: boolean;
  log: Logger;
}

/**
 * What every open-data request passes before its answer: the CORS headers, a token from the
 * client's bucket (429 with Retry-After when it is empty; an IPv6 client counts per /64, see
 * platform `addressKey`), the CORS preflight and the read-only methods. Returns true when it
 * has answered the request itself.
 */
export function answeredAtGate(req: IncomingMessage, res: ServerResponse, gate: OpenDataGate): boolean {
  for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
  const client = addressKey(clientAddress(req, gate.trustProxy));
  const admission = gate.limiter.take(client);
  if (!admission.ok) {
    gate.log.debug({ client }, 'open data: rate limited');
    sendJson(
      res,
      429,
      { error: 'too many requests: slow down', code: 'ERR_RATE_LIMITED', retryAfterS: admission.retryAfterS },
      { 'retry-after': String(admission.retryAfterS) },
    );
    return true;
  }
  res.setHeader('ratelimit-remaining', String(admission.remaining));
  if (req.method === 'OPTIONS') {
    res
      .writeHead(204, {
        ...SECURITY_HEADERS,
        allow: ALLOW,
        'access-control-allow-methods': ALLOW,
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'Accept',
        'access-control-max-age': '86400',
      })
      .end();
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'the open-data API is read-only', code: 'ERR_METHOD' }, { allow: ALLOW });
    return true;
  }
  return false;
}
