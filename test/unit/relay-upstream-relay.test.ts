import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { COUNTRY, type Presence, type Route } from '../../core/index.js';
import { createRelay, type Relay, type UpstreamConnection } from '../../relay/index.js';
import { UpstreamRefused } from '../../relay/upstream-connection.js';
import { captureLog } from '../helpers/log-capture.js';
import { createFakeCursor, readingLine } from '../helpers/relay-fake-cursor.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const catalogue = {
  stations: [{ id: 'ST-ONE' }, { id: 'ST-TWO' }],
  station: (id: string) => (id === 'ST-ONE' || id === 'ST-TWO' ? { id } : undefined),
  stationParameter: () => ({ unit: 'mg/Nm3' }),
};

interface FakeConn extends UpstreamConnection {
  published: Array<{ topic: string; payload: string; retain: boolean }>;
  subscribed: string[];
  deliver(topic: string, payload: string): void;
  lose(): void;
}

/** A connection that acknowledges everything at once. */
function fakeConn(): FakeConn {
  const lost = new AbortController();
  let handler: (topic: string, payload: Buffer) => void = () => undefined;
  const conn: FakeConn = {
    published: [],
    subscribed: [],
    closed: lost.signal,
    deliver: (t, p) => handler(t, Buffer.from(p)),
    lose: () => lost.abort(new Error('connection lost: ECONNRESET')),
    publish: async (topic, payload, o) => {
      if (lost.signal.aborted) throw new Error('closed');
      conn.published.push({ topic, payload, retain: o.retain ?? false });
    },
    subscribe: async (topics) => {
      conn.subscribed.push(...topics);
      return [];
    },
    onMessage: (h) => void (handler = h),
    end: async () => lost.abort(new Error('ended')),
  };
  return conn;
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('relay: connection, status and notices', () => {
  const relays: Relay[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
  });

  async function setup(connect: () => Promise<UpstreamConnection>) {
    const vt = createVirtualTime();
    const cursor = createFakeCursor();
    const presence$ = new Subject<Presence>();
    const registry = new Registry();
    const log = captureLog();
    const relay = await createRelay({
      url: 'mqtts://user:pw@national.example:8883',
      username: 'province-bn',
      password: 's3cret-pw',
      clientSuffix: 'relay',
      maxInflight: 4,
      batchReadings: 100,
      retryMaxS: 8,
      cursor,
      catalogue,
      presence$,
      registry,
      log: log.log,
      scheduler: vt.scheduler,
      connect,
      drainMs: 0,
    });
    relays.push(relay);
    return { vt, cursor, presence$, registry, log, relay };
  }

  it('retries a refused connection with back-off up to retryMaxS, and its status says why', async () => {
    const attempts: number[] = [];
    let vtNow = (): number => 0;
    const { vt, relay, registry, log } = await setup(async () => {
      attempts.push(vtNow());
      throw new UpstreamRefused(4);
    });
    vtNow = () => vt.now();
    await flush();
    for (let i = 0; i < 30; i++) {
      vt.advanceBy(1000);
      await flush();
    }
    expect(attempts.length).toBeGreaterThan(4);
    // The first attempt ran inside createRelay, before this test could read the virtual clock.
    const timed = attempts.slice(1);
    const gaps = timed.slice(1).map((t, i) => t - timed[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8000);
    expect(relay.status()).toMatchObject({
      upstream: 'mqtts://national.example:8883',
      connected: false,
      lastError: 'the upstream refused the connection: bad user name or password (CONNACK 4)',
    });
    expect(await registry.getSingleMetricAsString('quantrac_relay_connects_total')).toContain(`outcome="refused"} ${attempts.length}`);
    expect(log.text()).not.toContain('s3cret-pw');
    expect(log.text()).not.toContain('user:pw');
  });

  it('on every connection publishes each known station state and its heartbeat, then every 10 s; counts notices', async () => {
    const conns: FakeConn[] = [];
    const { vt, presence$, relay, registry, cursor } = await setup(async () => {
      const c = fakeConn();
      conns.push(c);
      return c;
    });
    presence$.next({ station: 'ST-ONE', state: 'online', ts: 1 });
    presence$.next({ station: 'NOT-OURS', state: 'online', ts: 1 });
    await flush();
    expect(relay.status().connected).toBe(true);
    const c1 = conns[0]!;
    expect(c1.subscribed).toEqual(['stations/ST-ONE/errors', 'stations/ST-TWO/errors']);
    expect(c1.published.filter((p) => p.topic.endsWith('/status'))).toEqual([
      { topic: 'stations/ST-ONE/status', payload: '{"state":"online","ts":1}', retain: true },
    ]);
    const beats = (c: FakeConn) => c.published.filter((p) => p.topic === 'centres/province-bn/relay');
    expect(beats(c1)).toHaveLength(1);
    cursor.append([readingLine('ST-ONE', 'SO2', 1, 1)], vt.now() - 5000);
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 2000, interval: 5 });
    vt.advanceBy(10_000);
    await flush();
    expect(beats(c1)).toHaveLength(2);
    expect(JSON.parse(beats(c1)[1]!.payload)).toEqual({
      ts: vt.now(),
      connected: true,
      backlogBytes: 0,
      backlogPoints: 0,
      lagMs: 0,
      forwarded: 1,
    });

    c1.deliver('stations/ST-ONE/errors', JSON.stringify({ seq: 3, receivedAt: 'x', accepted: 0, rejected: 1, errors: [] }));
    c1.deliver('stations/ST-ONE/errors', 'not json');
    expect(await registry.getSingleMetricAsString('quantrac_relay_upstream_rejections_total')).toMatch(/ 2$/);

    presence$.next({ station: 'ST-ONE', state: 'offline', ts: 2 });
    c1.lose();
    await flush();
    expect(relay.status()).toMatchObject({ connected: false, lastError: 'connection lost: ECONNRESET' });
    vt.advanceBy(10_000);
    await flush();
    const c2 = conns[1]!;
    expect(c2.published.filter((p) => p.topic.endsWith('/status'))).toEqual([
      { topic: 'stations/ST-ONE/status', payload: '{"state":"offline","ts":2}', retain: true },
    ]);
    expect(relay.status().connected).toBe(true);
    expect(relay.status().lastError).toBeUndefined();
  });

  it('answers GET /api/relay/upstream to a signed-in user only', async () => {
    const { relay } = await setup(async () => fakeConn());
    const route: Route = relay.routes[0]!;
    const user = { name: 'op', role: 'viewer', scope: { all: true, entries: [COUNTRY], has: () => true, stationIds: () => [] } };
    let signedIn = false;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      void Promise.resolve(route.handle(req, res, signedIn ? (user as never) : undefined)).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/api/relay/upstream`)).status).toBe(401);
      signedIn = true;
      const ok = await fetch(`${base}/api/relay/upstream`);
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ upstream: 'mqtts://national.example:8883', backlogBytes: 0, forwardedReadings: 0 });
      expect(JSON.stringify(body)).not.toMatch(/s3cret|user:pw/);
      expect((await fetch(`${base}/api/relay/upstream`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${base}/api/relay/upstreamx`)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
