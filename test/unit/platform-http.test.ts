import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, segments } from '../../platform/index.js';

describe('client address as a throttling key', () => {
  const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
    ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;
  const key = (r: IncomingMessage, trustProxy: boolean): string => addressKey(clientAddress(r, trustProxy));

  it('uses the socket address, IPv4-mapped read as IPv4, IPv6 per /64', () => {
    expect(key(req('::ffff:203.0.113.9'), false)).toBe('203.0.113.9');
    expect(key(req('2001:db8:1:2:aaaa::1'), false)).toBe('2001:db8:1:2::/64');
    expect(key(req('2001:db8:1:2:bbbb:cccc:dddd:eeee'), false)).toBe('2001:db8:1:2::/64');
    expect(key(req('::1'), false)).toBe('0:0:0:0::/64');
  });

  it('reads X-Forwarded-For only when told the proxy is trusted, and then its last hop', () => {
    expect(key(req('10.0.0.1', '198.51.100.7'), false)).toBe('10.0.0.1');
    expect(key(req('10.0.0.1', '1.2.3.4, 198.51.100.7'), true)).toBe('198.51.100.7');
    expect(key(req('10.0.0.1'), true)).toBe('10.0.0.1');
  });
});

describe('paths', () => {
  it('splits and decodes path segments, refusing bad escapes', () => {
    expect(segments('/api/open/stations/A%20B/hourly', '/api/open')).toEqual(['stations', 'A B', 'hourly']);
    expect(segments('/api/open/%E0%A4%A', '/api/open')).toBeUndefined();
  });
});
