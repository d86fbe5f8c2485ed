import type { IncomingMessage } from 'node:http';

/** The last entry of a comma-separated proxy header (X-Forwarded-For): the one our proxy added. */
export function lastListEntry(header: string | string[] | undefined): string | undefined {
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return entries[entries.length - 1];
}

/**
 * The client's address, as logged: the socket's, or with `trustProxy` the one the (single,
 * trusted) reverse proxy appended last to X-Forwarded-For. The earlier entries are whatever the
 * client sent; taking the first would let anyone pick a fresh address per request and walk past
 * a per-address throttle.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastListEntry(req.headers['x-forwarded-for']) : undefined;
  return forwarded ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * An address as a throttling key: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 per /64 (the
 * block one subscriber usually gets, so one client cannot rotate through its own addresses).
 */
export function addressKey(address: string): string {
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
