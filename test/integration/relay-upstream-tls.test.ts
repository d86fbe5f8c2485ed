import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { Aedes } from 'aedes';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import type { Presence } from '../../core/index.js';
import { createRelay, type Relay } from '../../relay/index.js';
import { captureLog } from '../helpers/log-capture.js';
import { createFakeCursor, readingLine } from '../helpers/relay-fake-cursor.js';

const STATION = 'ST-ONE';
const catalogue = {
  stations: [{ id: STATION }],
  station: (id: string) => (id === STATION ? { id } : undefined),
  stationParameter: () => ({ unit: 'mg/Nm3' }),
};

describe('relay over mqtts:// with a private CA (UPSTREAM_CA)', () => {
  let dir: string;
  let broker: Aedes;
  let server: Server;
  let port: number;
  const received: string[] = [];
  const relays: Relay[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-relay-tls-'));
    // A self-signed certificate for 127.0.0.1, made here (openssl is in scripts/test.sh's list).
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')].concat([
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
      { stdio: 'ignore' },
    );
    broker = await Aedes.createBroker({ authenticate: (_c, u, p, done) => done(null, u === 'prov' && p?.toString() === 'pw') });
    broker.on('publish', (packet, client) => {
      if (client && packet.topic.endsWith('/readings')) received.push(packet.payload.toString());
    });
    server = createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  async function relayWith(caFile?: string) {
    const cursor = createFakeCursor();
    const relay = await createRelay({
      url: `mqtts://127.0.0.1:${port}`,
      username: 'prov',
      password: 'pw',
      caFile,
      clientSuffix: 'relay',
      maxInflight: 4,
      batchReadings: 10,
      retryMaxS: 0.5,
      cursor,
      catalogue,
      presence$: new Subject<Presence>(),
      registry: new Registry(),
      log: captureLog().log,
    });
    relays.push(relay);
    return { relay, cursor };
  }

  it('trusts the upstream signed by the CA in UPSTREAM_CA and forwards', async () => {
    const { cursor } = await relayWith(join(dir, 'cert.pem'));
    cursor.append([readingLine(STATION, 'SO2', 42, 1_700_000_000_000)]);
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 10_000, interval: 20 });
    expect(JSON.parse(received.at(-1)!)).toMatchObject({ station: STATION, readings: [{ value: 42, unit: 'mg/Nm3' }] });
  });

  it('without the CA refuses the certificate, sends nothing, and its status says why', async () => {
    const { relay, cursor } = await relayWith();
    cursor.append([readingLine(STATION, 'SO2', 43, 1_700_000_000_000)]);
    await vi.waitFor(() => expect(relay.status().lastError).toMatch(/certificate/i), { timeout: 10_000, interval: 20 });
    expect(cursor.position).toBe(0);
  });

  it('an unreadable UPSTREAM_CA is a clear error at start', async () => {
    await expect(relayWith(join(dir, 'missing.pem'))).rejects.toThrow(/UPSTREAM_CA: cannot read .*missing\.pem: ENOENT/);
  });
});
