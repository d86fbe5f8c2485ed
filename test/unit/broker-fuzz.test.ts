import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createBroker, type Broker } from '../../broker/index.js';
import { errorsTopic, readingsTopic, statusTopic, type Station } from '../../core/index.js';
import {
  connectPacket,
  connectWire,
  mqttFrame,
  publishPacket,
  remainingLength,
  utf8Field,
  type WireClient,
} from '../../bench/mqtt-wire.js';
import { listClients } from '../../broker/aedes-adapter.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';

/**
 * Fuzzing the path every byte from the network takes (listener, connection gate, packet size
 * guard, Aedes' parser, the broker's hooks) with hostile streams from fast-check, against a real
 * broker on loopback: the process never throws, each hostile connection is closed once it ends,
 * a gateway logged in meanwhile keeps getting its PUBACKs, and nothing stays held.
 *
 * FUZZ_RUNS is the number of hostile connections in all (default 200, a few seconds; `npm run
 * fuzz` runs 20,000). A failure prints fast-check's seed and the shrunk stream.
 */

const RUNS = Math.max(5, Number(process.env.FUZZ_RUNS ?? 200));
const PROPERTIES = 5;
const runsEach = Math.ceil(RUNS / PROPERTIES);
const timeout = 20_000 + runsEach * 50;
const STATION = 'BN-YENPHONG-F001-NT1';
const OTHER = 'BN-YENPHONG-F002-NT1';

const u16be = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
/** A length-prefixed field, its prefix true or a lie. */
const field = fc.oneof(
  bytes(64).map((b) => utf8Field(b)),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), bytes(64)).map(([n, b]) => Buffer.concat([u16be(n), b])),
);
/** A Remaining Length: any valid one up to the MQTT maximum, or any 1-6 bytes (malformed past 4). */
const lengthBytes = fc.oneof(
  fc.integer({ min: 0, max: 268_435_455 }).map((n) => Buffer.from(remainingLength(n))),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((b) => Buffer.from(b)),
);
/** Any fixed header (type and flags, Remaining Length) over a body of another length. */
const wrongLengthPacket = fc
  .tuple(fc.integer({ min: 0, max: 255 }), lengthBytes, bytes(256))
  .map(([t, rl, body]) => Buffer.concat([Buffer.from([t]), rl, body]));
/** A CONNECT framed right, with garbage in its protocol name, level, flags, keepalive and fields. */
const garbageConnect = fc
  .tuple(
    field,
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 0xffff }),
    fc.array(field, { maxLength: 5 }),
  )
  .map(([name, level, flags, keepalive, fields]) =>
    mqttFrame(0x10, Buffer.concat([name, Buffer.from([level, flags]), u16be(keepalive), ...fields])),
  );
/** A PUBLISH with any flags (QoS 3, DUP on QoS 0), a lying topic length, any packet id, and a true or lying Remaining Length. */
const hostilePublish = fc
  .tuple(
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: 0, max: 0xffff }),
    bytes(80),
    fc.integer({ min: 0, max: 0xffff }),
    bytes(1024),
    fc.option(lengthBytes),
  )
  .map(([flags, topicLength, topic, id, payload, rl]) => {
    const body = Buffer.concat([u16be(topicLength), topic, u16be(id), payload]);
    return rl === null ? mqttFrame(0x30 | flags, body) : Buffer.concat([Buffer.from([0x30 | flags]), rl, body]);
  });
/** What a logged-in gateway may well send, right or refused. */
const validPacket = fc.oneof(
  fc.integer({ min: 1, max: 0xffff }).map((id) => publishPacket(readingsTopic(STATION), '{"station":"x"}', id)),
  fc.integer({ min: 1, max: 0xffff }).map((id) => publishPacket(statusTopic(STATION), '{"state":"online"}', id)),
  fc.constant(mqttFrame(0x30, Buffer.concat([utf8Field(readingsTopic(STATION)), Buffer.from('{}')]))), // QoS 0
  fc
    .tuple(fc.integer({ min: 1, max: 0xffff }), fc.constantFrom(errorsTopic(STATION), errorsTopic(OTHER), '#', '$SYS/#'))
    .map(([id, topic]) => mqttFrame(0x82, Buffer.concat([u16be(id), utf8Field(topic), Buffer.from([1])]))),
  fc.integer({ min: 1, max: 0xffff }).map((id) => mqttFrame(0x40, u16be(id))), // PUBACK for nothing
  fc.constant(Buffer.from([0xc0, 0x00])), // PINGREQ
);
/** A stream cut into chunks at arbitrary points, so every packet is also seen split across reads. */
const cuts = fc.array(fc.nat(), { maxLength: 6 });
function cut(stream: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => (stream.length === 0 ? 0 : p % stream.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    out.push(stream.subarray(from, p));
    from = p;
  }
  out.push(stream.subarray(from));
  return out.filter((c) => c.length > 0);
}

describe('broker fuzz: hostile byte streams on the MQTT listener', () => {
  let broker: Broker;
  let logs: LogCapture;
  let sentinel: WireClient;
  let login: { username: string; password: string };
  let logins = 0;
  let sentinelAcks = 0;
  /** Logged-in hostile connections that got an answer after their CONNACK: the fuzz reaches the handlers past login. */
  let answeredAfterLogin = 0;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => void crashes.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    logs = captureLog('error');
    broker = await createBroker({
      host: '127.0.0.1',
      port: 0,
      catalogue: { station: (id) => ({ id }) as Station },
      credentialsFile: join(tmpdir(), `quantrac-fuzz-${process.pid}.json`),
      // Every hostile CONNECT is a failed login from 127.0.0.1: the throttle would soon refuse the valid ones too.
      auth: { scryptCost: 1024, maxFailuresPerMinute: 1e9 },
      limits: { connectTimeoutMs: 5_000 },
      log: logs.log,
      admit: () => Promise.resolve({ accepted: 1, rejected: 0 }),
    });
    login = broker.provision({ id: STATION });
    sentinel = await connectWire(`mqtt://127.0.0.1:${broker.port}`, { ...login, clientId: `${STATION}:sentinel` });
  });
  afterAll(async () => {
    await sentinel?.end();
    await broker?.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  /**
   * On a new connection: sends `connectFirst` (a valid CONNECT) alone and waits for its CONNACK, so
   * what follows reaches the logged-in handlers; then the chunks; ends the connection and waits
   * (bounded) for the broker to close it.
   */
  async function hostile(connectFirst: Buffer | undefined, chunks: Buffer[]): Promise<void> {
    const socket = netConnect({ host: '127.0.0.1', port: broker.port });
    socket.on('error', () => undefined);
    let closed = false;
    let received = 0;
    socket.once('close', () => (closed = true));
    socket.on('data', (d: Buffer) => (received += d.length));
    await new Promise<void>((resolve) => {
      socket.once('connect', resolve);
      socket.once('close', resolve);
    });
    if (connectFirst) {
      socket.write(connectFirst);
      await vi.waitFor(() => expect(closed || received >= 4, 'CONNACK').toBe(true), { timeout: 5000, interval: 1 });
    }
    for (const chunk of chunks) {
      if (socket.destroyed) break;
      socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.end();
    await vi.waitFor(() => expect(closed, 'the broker closes an ended hostile connection').toBe(true), { timeout: 8000, interval: 2 });
    if (connectFirst && received > 4) answeredAfterLogin++;
  }
  /** The gateway logged in throughout still gets a PUBACK. */
  async function sentinelStillServed(): Promise<void> {
    const before = sentinelAcks;
    sentinel.publish(readingsTopic(STATION), '{"station":"sentinel"}', () => sentinelAcks++);
    sentinel.flush();
    await vi.waitFor(() => expect(sentinelAcks).toBe(before + 1), { timeout: 5000, interval: 1 });
  }
  const validConnect = (): Buffer => connectPacket({ ...login, clientId: `${STATION}:fuzz-${++logins}`, keepaliveS: 30 });
  async function check<T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>): Promise<void> {
    await fc.assert(property, { numRuns: runsEach });
    expect(crashes).toEqual([]);
  }
  /** One hostile connection (after a valid login when `loggedIn`), then the gateway's PUBACK. */
  const run = (stream: Buffer, points: number[], loggedIn: boolean): Promise<void> =>
    hostile(loggedIn ? validConnect() : undefined, cut(stream, points)).then(sentinelStillServed);
  const anonymous = (stream: Buffer, points: number[]): Promise<void> => run(stream, points, false);

  it('survives random bytes', { timeout }, async () => {
    await check(fc.asyncProperty(bytes(4096), cuts, anonymous));
  });

  it('survives fixed headers with wrong or malformed Remaining Lengths, first or after a valid login', { timeout }, async () => {
    const stream = fc.tuple(fc.boolean(), fc.array(wrongLengthPacket, { minLength: 1, maxLength: 4 }));
    await check(fc.asyncProperty(stream, cuts, ([loggedIn, packets], points) => run(Buffer.concat(packets), points, loggedIn)));
  });

  it('survives CONNECTs with garbage fields', { timeout }, async () => {
    await check(
      fc.asyncProperty(
        fc.array(garbageConnect, { minLength: 1, maxLength: 3 }).map((p) => Buffer.concat(p)),
        cuts,
        anonymous,
      ),
    );
  });

  it('survives PUBLISHes with lying lengths, bad flags and any packet id from a logged-in gateway', { timeout }, async () => {
    const stream = fc.array(hostilePublish, { minLength: 1, maxLength: 4 });
    await check(fc.asyncProperty(stream, cuts, (packets, points) => run(Buffer.concat(packets), points, true)));
  });

  it('survives valid packets interleaved with hostile ones', { timeout }, async () => {
    const stream = fc.array(fc.oneof({ weight: 3, arbitrary: validPacket }, wrongLengthPacket, hostilePublish, bytes(64)), {
      maxLength: 20,
    });
    const before = answeredAfterLogin;
    await check(fc.asyncProperty(stream, cuts, (packets, points) => run(Buffer.concat(packets), points, true)));
    expect(answeredAfterLogin).toBeGreaterThan(before);
  });

  it('holds nothing afterwards: no connection waits to log in, only the gateway is connected, no error was logged', async () => {
    const pending = broker.metrics.getSingleMetric('quantrac_mqtt_pending_connections')!;
    await vi.waitFor(async () => expect((await pending.get()).values[0]!.value).toBe(0), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(listClients(broker.aedes).map((c) => c.id)).toEqual([`${STATION}:sentinel`]), {
      timeout: 5000,
      interval: 20,
    });
    expect(logs.lines()).toEqual([]);
    expect(crashes).toEqual([]);
  });
});
