import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { resolve } from 'node:path';
import { Aedes } from 'aedes';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { loadCatalogue, type Catalogue, type Presence } from '../../core/index.js';
import { createRelay, type Relay } from '../../relay/index.js';
import { captureLog } from '../helpers/log-capture.js';
import { createFakeCursor, readingLine, type FakeCursor } from '../helpers/relay-fake-cursor.js';

const USER = 'province-bn';
const PASSWORD = 'correct horse battery staple';

interface Upstream {
  port: number;
  /** Every publish the upstream accepted from the relay, in arrival order. */
  received: Array<{ topic: string; payload: string; retain: boolean }>;
  clientIds: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real Aedes on loopback with an authenticate hook; stop() closes it, start() opens a new one on the same port. */
async function startUpstream(): Promise<Upstream> {
  let broker: Aedes | undefined;
  let server: Server | undefined;
  const up: Upstream = {
    port: 0,
    received: [],
    clientIds: [],
    async start() {
      const b = await Aedes.createBroker({
        authenticate: (client, username, password, done) => {
          const ok = username === USER && password?.toString() === PASSWORD;
          if (ok) up.clientIds.push(client.id);
          done(ok ? null : Object.assign(new Error('bad user name or password'), { returnCode: 4 }), ok);
        },
      });
      b.on('publish', (packet, client) => {
        if (client) up.received.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
      });
      const s = createServer(b.handle);
      await new Promise<void>((ok, fail) => {
        s.once('error', fail);
        s.listen(up.port, '127.0.0.1', () => ok());
      });
      up.port = (s.address() as AddressInfo).port;
      broker = b;
      server = s;
    },
    async stop() {
      const b = broker;
      const s = server;
      broker = undefined;
      server = undefined;
      if (b) await new Promise<void>((ok) => b.close(() => ok()));
      if (s) await new Promise<void>((ok) => s.close(() => ok()));
    },
  };
  await up.start();
  return up;
}

const readings = (
  u: Upstream,
): Array<{ station: string; seq?: number; readings: Array<{ parameter: string; value: number; ts: number; unit: string }> }> =>
  u.received.filter((m) => m.topic.endsWith('/readings')).map((m) => JSON.parse(m.payload));

describe('relay to a real MQTT upstream', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  let catalogue: Catalogue;
  const stationA = 'BN-YENPHONG-F001-NT1';
  const stationB = 'BN-YENPHONG-F002-NT1';

  async function start(password = PASSWORD): Promise<{
    up: Upstream;
    relay: Relay;
    cursor: FakeCursor;
    presence$: Subject<Presence>;
    registry: Registry;
    log: ReturnType<typeof captureLog>;
  }> {
    catalogue ??= await loadCatalogue(resolve('seeds/catalogue.json'));
    const up = await startUpstream();
    cleanups.push(() => up.stop());
    const cursor = createFakeCursor();
    const presence$ = new Subject<Presence>();
    const registry = new Registry();
    const log = captureLog();
    const relay = await createRelay({
      url: `mqtt://127.0.0.1:${up.port}`,
      username: USER,
      password,
      clientSuffix: 'relay',
      maxInflight: 8,
      batchReadings: 50,
      retryMaxS: 0.5,
      cursor,
      catalogue,
      presence$,
      registry,
      log: log.log,
    });
    cleanups.push(() => relay.close());
    return { up, relay, cursor, presence$, registry, log };
  }

  it('forwards every reading in order per station, advances the cursor after PUBACKs, and loses nothing across an upstream outage', async () => {
    const { up, relay, cursor, presence$, registry } = await start();
    const t0 = Date.parse('2026-11-27T01:00:00Z');
    const batch = (from: number, n: number): string[] =>
      Array.from({ length: n }, (_, i) => [
        '#seq ' + stationA + ' ' + (from + i),
        readingLine(stationA, 'COD', from + i, t0 + (from + i) * 1000, 'YENPHONG'),
        readingLine(stationA, 'pH', 7, t0 + (from + i) * 1000, 'YENPHONG'),
        readingLine(stationB, 'TSS', from + i, t0 + (from + i) * 1000, 'YENPHONG'),
      ]).flat();
    cursor.append(batch(0, 100));
    presence$.next({ station: stationA, state: 'online', ts: t0 });
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 10_000, interval: 20 });
    expect(up.clientIds).toContain(`${USER}:relay`);
    expect(relay.status()).toMatchObject({
      upstream: `mqtt://127.0.0.1:${up.port}`,
      connected: true,
      backlogPoints: 0,
      forwardedReadings: 300,
    });
    const status = up.received.find((m) => m.topic === `stations/${stationA}/status`);
    expect(status).toMatchObject({ retain: true });
    expect(JSON.parse(status!.payload)).toEqual({ state: 'online', ts: t0 });
    const beat = up.received.find((m) => m.topic === `centres/${USER}/relay`);
    expect(JSON.parse(beat!.payload)).toMatchObject({ connected: true });

    // The upstream goes away for a while; lines committed meanwhile wait in the spool.
    await up.stop();
    await vi.waitFor(() => expect(relay.status().connected).toBe(false), { timeout: 10_000, interval: 20 });
    cursor.append(batch(100, 100));
    // It keeps trying (and failing) while the upstream is down; the new lines wait.
    await vi.waitFor(
      async () => expect(await registry.getSingleMetricAsString('quantrac_relay_connects_total')).toMatch(/outcome="error"\} [1-9]/),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    expect(cursor.position).toBeLessThan(cursor.end);
    expect(relay.status().lastError).toBeDefined();
    await up.start();
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 15_000, interval: 20 });

    const got = readings(up);
    const seen = (station: string, parameter: string): number[] =>
      got.filter((m) => m.station === station).flatMap((m) => m.readings.filter((r) => r.parameter === parameter).map((r) => r.value));
    const expected = Array.from({ length: 200 }, (_, i) => i);
    // Every reading arrived, in order per station (a resend after the outage may repeat a tail, never reorder).
    const dedupe = (xs: number[]): number[] => xs.filter((x, i) => i === 0 || x > xs[i - 1]!);
    expect(dedupe(seen(stationA, 'COD'))).toEqual(expected);
    expect(dedupe(seen(stationB, 'TSS'))).toEqual(expected);
    expect(got.find((m) => m.station === stationA)).toMatchObject({ seq: 0, readings: [{ unit: 'mg/L', ts: t0 }, { parameter: 'pH' }] });
    // On reconnect the station's state was published again.
    expect(up.received.filter((m) => m.topic === `stations/${stationA}/status`).length).toBeGreaterThanOrEqual(1);
    const metrics = await registry.getSingleMetricAsString('quantrac_relay_connects_total');
    expect(metrics).toMatch(/outcome="ok"\} [2-9]/);
  });

  it('with a wrong password sends no data and says why in its status, never the password', async () => {
    const { up, relay, cursor, log, registry } = await start('wrong password');
    cursor.append([readingLine(stationA, 'COD', 1, Date.now(), 'YENPHONG')]);
    await vi.waitFor(() => expect(relay.status().lastError).toMatch(/bad user name or password \(CONNACK 4\)/), {
      timeout: 10_000,
      interval: 20,
    });
    expect(relay.status().connected).toBe(false);
    expect(up.received).toEqual([]);
    expect(cursor.position).toBe(0);
    expect(await registry.getSingleMetricAsString('quantrac_relay_connects_total')).toMatch(/outcome="refused"\} [1-9]/);
    expect(log.lines('cannot connect').length).toBeGreaterThan(0);
    expect(log.text()).not.toContain('wrong password');
    expect(JSON.stringify(relay.status())).not.toContain('wrong password');
  });
});
