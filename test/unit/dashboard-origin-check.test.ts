import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginCheck, type OriginCheckOptions } from '../../dashboard/server/origin-check.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: {} }) as unknown as IncomingMessage;
const check = (o: Partial<OriginCheckOptions> = {}) => createOriginCheck({ host: '127.0.0.1', port: () => 8080, ...o });

describe('dashboard origin check: the configured origins, never the request Host', () => {
  it('refuses a foreign Origin even when Host claims the same name (DNS rebinding)', () => {
    const c = check();
    expect(c.allowed(req({ host: 'evil.example', origin: 'http://evil.example' }))).toBe(false);
    expect(c.allowed(req({ host: 'evil.example:8080', origin: 'http://evil.example:8080' }))).toBe(false);
    expect(c.allowed(req({ host: 'localhost:8080' }))).toBe(false);
    expect(c.allowed(req({ origin: 'null' }))).toBe(false);
  });

  it('accepts the listening address, its loopback aliases and DASHBOARD_ORIGINS', () => {
    const c = check({ allowedOrigins: ['https://Quantrac.example.vn/'] });
    for (const origin of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'https://quantrac.example.vn']) {
      expect(c.allowed(req({ host: 'anything', origin })), origin).toBe(true);
    }
    expect(c.allowed(req({ origin: 'http://localhost:8081' }))).toBe(false);
    expect(c.allowed(req({ origin: 'https://localhost:8080' }))).toBe(false);
  });

  it('uses the bound port, https only behind a trusted proxy, every machine address on a wildcard bind, and only the name given otherwise', () => {
    let port = 0;
    const c = check({ port: () => port, trustProxy: true });
    port = 41234;
    expect(c.allowed(req({ origin: 'http://localhost:41234' }))).toBe(true);
    expect(c.allowed(req({ origin: 'https://localhost:41234', 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(check().allowed(req({ origin: 'https://localhost:8080', 'x-forwarded-proto': 'https' }))).toBe(false);
    const wild = check({ host: '0.0.0.0', interfaceAddresses: () => ['192.0.2.10', '2001:db8::1'] });
    expect(wild.origins()).toEqual(
      expect.arrayContaining(['http://192.0.2.10:8080', 'http://[2001:db8::1]:8080', 'http://localhost:8080']),
    );
    const named = check({ host: '192.0.2.10', port: () => 80 });
    expect(named.allowed(req({ origin: 'http://192.0.2.10' }))).toBe(true);
    expect(named.allowed(req({ origin: 'http://localhost' }))).toBe(false);
  });
});
