import type { ServerResponse } from 'node:http';

/**
 * The page loads only its own bundle and talks only to its own origin (no CDN); images may also
 * come from `imgSources` (a configured map tile server, MAP_STYLE_URL).
 */
export function contentSecurityPolicy(imgSources: readonly string[] = []): string {
  const img = ["'self'", 'data:', ...imgSources].join(' ');
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src ${img}; connect-src 'self'; media-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

/** Headers on every answer: no framing (clickjacking), no MIME sniffing, no referrer leaks. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy': contentSecurityPolicy(),
};

export type ResponseHeaders = Record<string, string | string[]>;

/** A JSON answer with the security headers, never cached. A response already started is left alone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ResponseHeaders = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** An error answer `{ error, code }`: `code` is stable for programs, `message` is for people. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: ResponseHeaders = {}): void {
  sendJson(res, status, { error: message, code }, headers);
}

/** A CSV download: `filename` is reduced to plain ASCII (ids and dates are). */
export function sendCsv(res: ServerResponse, filename: string, csv: string, headers: ResponseHeaders = {}): void {
  if (res.headersSent) return;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(csv);
}
