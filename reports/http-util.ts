import type { IncomingMessage, ServerResponse } from 'node:http';

/** The route-module shape the dashboard server mounts (structurally its RouteHandler). */
export interface ReportRoute {
  prefix: string;
  public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, user?: { name: string; role: string }): Promise<boolean>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** A CSV download: `filename` must be plain ASCII (ids and dates are). */
export function sendCsv(res: ServerResponse, filename: string, csv: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(csv);
}

/** Path segments after `prefix`, decoded; undefined when one is not valid percent-encoding. */
export function segments(path: string, prefix: string): string[] | undefined {
  try {
    return path
      .slice(prefix.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function parseUrl(req: IncomingMessage): URL {
  // The host is irrelevant: only path and query are read. A malformed URL gets a dummy path.
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return new URL('http://localhost/');
  }
}

/**
 * The client to rate-limit: the socket's address, or with `trustProxy` the address the
 * (single, trusted) reverse proxy appended last to X-Forwarded-For. IPv4-mapped IPv6 is
 * read as IPv4; an IPv6 client counts per /64, the block one subscriber usually gets.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (forwarded.length > 0) address = forwarded[forwarded.length - 1]!;
  }
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

function ipv6Groups(address: string): string[] {
  const bare = address
    .replace(/%.*$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
