import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe, type Identity } from '../../broker/index.js';

const gateway: Identity = { account: 'GW-1', role: 'gateway', stations: new Set(['ST-A01', 'ST-B02']) };
const subscriber: Identity = { account: 'ops', role: 'subscriber' };

describe('broker ACL (PROTOCOL.md, "Topics")', () => {
  it("lets a gateway publish only its own stations' readings and status", () => {
    expect(mayPublish(gateway, 'stations/ST-A01/readings')).toBe(true);
    expect(mayPublish(gateway, 'stations/ST-B02/status')).toBe(true);
    expect(mayPublish(gateway, 'stations/ST-C03/readings')).toBe(false);
    expect(mayPublish(gateway, 'stations/ST-A01/errors')).toBe(false);
    expect(mayPublish(gateway, 'alerts/Z/ST-A01')).toBe(false);
    expect(mayPublish(gateway, '$SYS/x')).toBe(false);
    expect(mayPublish(gateway, 'stations/ST-A01/readings/extra')).toBe(false);
    expect(mayPublish(gateway, '')).toBe(false);
  });

  it('lets a gateway subscribe only to its own errors, by exact topic', () => {
    expect(maySubscribe(gateway, 'stations/ST-A01/errors')).toBe(true);
    expect(maySubscribe(gateway, 'stations/ST-C03/errors')).toBe(false);
    expect(maySubscribe(gateway, 'stations/+/errors')).toBe(false);
    expect(maySubscribe(gateway, 'stations/#')).toBe(false);
    expect(maySubscribe(gateway, '#')).toBe(false);
    expect(maySubscribe(gateway, '$SYS/#')).toBe(false);
    expect(maySubscribe(gateway, 'stations/ST-A01/readings')).toBe(false);
    expect(maySubscribe(gateway, 'alerts/#')).toBe(false);
  });

  it('lets a subscriber read alerts/# and nothing a gateway writes, and publish nothing', () => {
    expect(maySubscribe(subscriber, 'alerts/#')).toBe(true);
    expect(maySubscribe(subscriber, 'alerts/YENPHONG/+')).toBe(true);
    expect(maySubscribe(subscriber, 'alerts')).toBe(false);
    expect(maySubscribe(subscriber, '#')).toBe(false);
    expect(maySubscribe(subscriber, '+/#')).toBe(false);
    expect(maySubscribe(subscriber, 'stations/ST-A01/readings')).toBe(false);
    expect(maySubscribe(subscriber, '$SYS/#')).toBe(false);
    expect(mayPublish(subscriber, 'alerts/Z/ST-A01')).toBe(false);
    expect(mayPublish(subscriber, 'stations/ST-A01/readings')).toBe(false);
  });
});
