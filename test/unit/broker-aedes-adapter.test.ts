import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import type { Aedes, AedesOptions, Client, PublishPacket } from 'aedes';
import { connectPacket, mqttFrame, utf8Field } from '../../bench/mqtt-wire.js';
import {
  AEDES_SUPPORTED_RANGE,
  boundedPersistence,
  clientOf,
  closeAedes,
  createAedes,
  destroyConnection,
  forceCleanSession,
  holdKeepalive,
  inspectReads,
  isConnectTimeout,
  isDrainTimeout,
  isWill,
  listClients,
  onConnectionClose,
  pendingWill,
  queuedOutboundBytes,
  shieldDeliveries,
} from '../../broker/aedes-adapter.js';
import { createAdmissionLimiter } from '../../broker/client-guards.js';

/**
 * broker/aedes-adapter.ts relies on Aedes internals (private fields, handler order, how it reads
 * a connection, which persistence methods it calls). These tests run a real Aedes with
 * in-memory connections (no socket) and fail when the installed version changes any of them.
 */

const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;

interface MemoryConnection {
  readonly conn: Duplex;
  /** Packets the broker wrote (as far as its writes completed). */
  packets(type?: number): Array<{ type: number; body: Buffer }>;
  send(bytes: Buffer): void;
  /** From now on the peer takes nothing: writes stay queued in the connection. */
  hold(): void;
}

/** A Duplex standing for a client's socket. */
function memoryConnection(): MemoryConnection {
  const written: Buffer[] = [];
  let holding = false;
  const conn = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      if (!holding) callback();
    },
  });
  return {
    conn,
    send: (bytes) => void conn.push(bytes),
    hold: () => void (holding = true),
    packets(type) {
      const out: Array<{ type: number; body: Buffer }> = [];
      let buf = Buffer.concat(written);
      while (buf.length >= 2) {
        let len = 0;
        let mul = 1;
        let i = 1;
        for (; i < buf.length; i++) {
          len += (buf[i]! & 0x7f) * mul;
          mul *= 128;
          if (!(buf[i]! & 0x80)) break;
        }
        if (buf.length < i + 1 + len) break;
        out.push({ type: buf[0]! >> 4, body: buf.subarray(i + 1, i + 1 + len) });
        buf = buf.subarray(i + 1 + len);
      }
      return type === undefined ? out : out.filter((p) => p.type === type);
    },
  };
}

const messageId = (id: number): Buffer => Buffer.from([id >> 8, id & 0xff]);
const publishPacket = (topic: string, payload: string, qos: 0 | 1, id = 1): Buffer =>
  mqttFrame(0x30 | (qos << 1), Buffer.concat([utf8Field(topic), qos > 0 ? messageId(id) : Buffer.alloc(0), Buffer.from(payload)]));
const subscribePacket = (id: number, topic: string, qos: 0 | 1): Buffer =>
  mqttFrame(0x82, Buffer.concat([messageId(id), utf8Field(topic), Buffer.from([qos])]));
const pubackPacket = (id: number): Buffer => mqttFrame(0x40, messageId(id));
/** The message id of a QoS 1 PUBLISH the broker wrote. */
const publishedId = (body: Buffer): number => body.readUInt16BE(2 + body.readUInt16BE(0));
const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const waitFor = <T>(check: () => T, timeout = 2000): Promise<T> => vi.waitFor(check, { timeout, interval: 5 });

describe('aedes adapter: what the broker relies on in the installed Aedes', () => {
  const brokers: Aedes[] = [];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map(closeAedes));
  });
  async function start(options: AedesOptions = {}): Promise<Aedes> {
    const aedes = await createAedes({ authenticate: (_c, _u, _p, done) => done(null, true), ...options });
    brokers.push(aedes);
    return aedes;
  }
  /** A connection handed to Aedes, CONNECTed, with its CONNACK return code. */
  async function connect(
    aedes: Aedes,
    connect: Parameters<typeof connectPacket>[0],
  ): Promise<MemoryConnection & { client: Client; connack: Buffer }> {
    const mc = memoryConnection();
    const client = aedes.handle(mc.conn);
    mc.send(connectPacket(connect));
    const connack = await waitFor(() => mc.packets(CONNACK)[0]!.body);
    return { ...mc, client, connack };
  }

  it(`is a version in ${AEDES_SUPPORTED_RANGE}, the range the adapter was written against`, () => {
    const { version } = JSON.parse(readFileSync(new URL('../../node_modules/aedes/package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const [major, minor, patch] = version.split(/[.-]/).map(Number) as [number, number, number];
    const [wantMajor, wantMinor, wantPatch] = AEDES_SUPPORTED_RANGE.replace('~', '').split('.').map(Number) as [number, number, number];
    expect(AEDES_SUPPORTED_RANGE).toMatch(/^~\d+\.\d+\.\d+$/);
    expect({ major, minor }, `installed aedes ${version}: check every reliance in broker/aedes-adapter.ts, then widen the range`).toEqual({
      major: wantMajor,
      minor: wantMinor,
    });
    expect(patch).toBeGreaterThanOrEqual(wantPatch);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/); // no pre-release
  });

  it('gives a client the private fields and functions the adapter uses, and the broker its clients and persistence', async () => {
    const persistence = boundedPersistence(10, () => undefined);
    const aedes = await start({ persistence });
    const mc = memoryConnection();
    const client = aedes.handle(mc.conn);
    const c = client as unknown as Record<string, unknown>;
    expect(typeof c._parsingBatch).toBe('number');
    for (const fn of ['pause', 'resume', '_nextBatch', 'deliverQoS', 'deliver0']) expect(typeof c[fn], fn).toBe('function');
    expect('_will' in c && 'will' in c).toBe(true);
    expect(c.conn).toBe(mc.conn);
    expect(clientOf(mc.conn)).toBe(client);
    expect(typeof (aedes as unknown as { clients: unknown }).clients).toBe('object');
    expect((aedes as unknown as { persistence: unknown }).persistence).toBe(persistence);
    for (const fn of ['outgoingEnqueue', 'outgoingEnqueueCombi', 'outgoingClearMessageId', 'outgoingStream', 'subscriptionsByClient']) {
      expect(typeof (persistence as Record<string, unknown>)[fn], fn).toBe('function');
    }
  });

  it('writes a QoS 1 PUBACK only once authorizePublish succeeded, and publishes after the PUBACK; a failure writes none and closes the client', async () => {
    const held: Array<(err?: Error | null) => void> = [];
    let pubackBeforePublished: boolean | undefined;
    const conn: { mc?: MemoryConnection } = {};
    const aedes = await start({
      authorizePublish: (client, _packet, done) => (client === null ? done(null) : held.push(done)),
      published: (packet, client, done) => {
        if (client && packet.topic === 'r/1') pubackBeforePublished = conn.mc!.packets(PUBACK).length === 1;
        done(null);
      },
    });
    const mc = (conn.mc = await connect(aedes, { clientId: 'p1', keepaliveS: 60 }));
    mc.send(publishPacket('r/1', 'x', 1, 7));
    await waitFor(() => expect(held).toHaveLength(1));
    await ticks(10);
    expect(mc.packets(PUBACK)).toHaveLength(0);
    expect(pubackBeforePublished).toBeUndefined();
    held.shift()!(null);
    await waitFor(() => expect(mc.packets(PUBACK)).toHaveLength(1));
    expect(mc.packets(PUBACK)[0]!.body).toEqual(messageId(7));
    await waitFor(() => expect(pubackBeforePublished).toBe(true));

    mc.send(publishPacket('r/1', 'y', 1, 8));
    await waitFor(() => expect(held).toHaveLength(1));
    held.shift()!(new Error('refused'));
    await waitFor(() => expect(mc.conn.destroyed).toBe(true));
    expect(mc.packets(PUBACK)).toHaveLength(1);
  });

  it("leaves a paused client's bytes unread, and after resumeReading parses them, however many packets finished meanwhile", async () => {
    const limiter = createAdmissionLimiter(1);
    const admitted: string[] = [];
    const releases: Array<() => void> = [];
    const aedes = await start({
      authorizePublish: (client, packet, done) => {
        if (client === null) return done(null);
        const admit = (): Promise<void> => {
          admitted.push(packet.payload.toString());
          return new Promise<void>((resolve) => releases.push(resolve));
        };
        limiter.run(client, admit).then(() => done(null), done);
      },
    });
    const mc = await connect(aedes, { clientId: 'p2', keepaliveS: 60 });
    // One chunk of three packets: Aedes handles them at once; the first is admitted and the
    // client paused at the bound of 1; the other two wait for it, finishing while paused.
    mc.send(Buffer.concat(['a', 'b', 'c'].map((p, i) => publishPacket('r/1', p, 1, i + 1))));
    await waitFor(() => expect(admitted).toEqual(['a']));
    mc.send(publishPacket('r/1', 'd', 1, 4)); // arrives while paused: no new 'readable' comes for it later
    await ticks(10);
    for (const expected of [
      ['a', 'b'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c', 'd'],
    ]) {
      releases.shift()!();
      await waitFor(() => expect(admitted).toEqual(expected));
    }
    releases.shift()!();
    await waitFor(() => expect(mc.packets(PUBACK)).toHaveLength(4));
    // Nothing stalls afterwards: a later packet is read at once.
    mc.send(publishPacket('r/1', 'e', 1, 5));
    await waitFor(() => expect(admitted).toEqual(['a', 'b', 'c', 'd', 'e']));
    releases.shift()!();
    await waitFor(() => expect(mc.packets(PUBACK)).toHaveLength(5));
  });

  it('enforces the keepalive held in preConnect (0 means none in the CONNECT)', async () => {
    const timeouts: Client[] = [];
    const aedes = await start({
      preConnect: (_client, packet, done) => {
        holdKeepalive(packet, 1);
        done(null, true);
      },
    });
    aedes.on('keepaliveTimeout', (client) => timeouts.push(client));
    const started = Date.now();
    const mc = await connect(aedes, { clientId: 'k1', keepaliveS: 0 });
    await waitFor(() => expect(timeouts).toEqual([mc.client]), 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it("shows the CONNECT's will while authenticating, and marks the will's publication when the connection is lost", async () => {
    let willSeen: { topic: string } | undefined;
    const publications: Array<{ topic: string; isWill: boolean }> = [];
    const aedes = await start({
      authenticate: (client, _u, _p, done) => {
        willSeen = pendingWill(client);
        done(null, true);
      },
      authorizePublish: (client, packet: PublishPacket, done) => {
        if (client) publications.push({ topic: packet.topic, isWill: isWill(client, packet) });
        done(null);
      },
    });
    const mc = await connect(aedes, { clientId: 'w1', keepaliveS: 60, will: { topic: 'w/1/status', payload: 'offline' } });
    expect(willSeen).toMatchObject({ topic: 'w/1/status' });
    mc.send(publishPacket('w/1/status', 'online', 1, 1));
    await waitFor(() => expect(publications).toHaveLength(1));
    destroyConnection(mc.client); // no DISCONNECT: Aedes publishes the will
    await waitFor(() => expect(publications).toHaveLength(2));
    expect(publications).toEqual([
      { topic: 'w/1/status', isWill: false },
      { topic: 'w/1/status', isWill: true },
    ]);
  });

  it('gives a clean session to a CONNECT asking for a persistent one when authenticate forces it', async () => {
    let force = false;
    let connectPacketSeen: Parameters<NonNullable<AedesOptions['preConnect']>>[1] | undefined;
    const aedes = await start({
      preConnect: (_client, packet, done) => {
        connectPacketSeen = packet;
        done(null, true);
      },
      authenticate: (client, _u, _p, done) => {
        if (force) forceCleanSession(client, connectPacketSeen!);
        done(null, true);
      },
    });
    const first = await connect(aedes, { clientId: 's1', keepaliveS: 60, clean: false });
    first.send(subscribePacket(1, 'e/1', 1));
    await waitFor(() => expect(first.packets(9)).toHaveLength(1));
    destroyConnection(first.client);
    await waitFor(() => expect(aedes.connectedClients).toBe(0));
    const again = await connect(aedes, { clientId: 's1', keepaliveS: 60, clean: false });
    expect([...again.connack]).toEqual([1, 0]); // the session was kept: the control case
    destroyConnection(again.client);
    await waitFor(() => expect(aedes.connectedClients).toBe(0));
    force = true;
    const forced = await connect(aedes, { clientId: 's1', keepaliveS: 60, clean: false });
    expect([...forced.connack]).toEqual([0, 0]); // no session present [MQTT-3.2.2-1]
    expect(forced.client.clean).toBe(true);
    const persistence = (aedes as unknown as { persistence: { subscriptionsByClient(c: { id: string }): Promise<unknown[]> } }).persistence;
    expect(await persistence.subscriptionsByClient({ id: 's1' })).toEqual([]);
  });

  it('lets a shielded delivery release its slot at once, and hands a client past its outbound bound to onSlow', async () => {
    const slow: Client[] = [];
    const aedes = await start({
      preConnect: (client, _packet, done) => {
        shieldDeliveries(client, 1000, (c) => slow.push(c));
        done(null, true);
      },
    });
    const subscribed = new Promise<void>((resolve) => aedes.once('subscribe', () => resolve()));
    const mc = await connect(aedes, { clientId: 'slow', keepaliveS: 60 });
    mc.hold();
    mc.send(subscribePacket(1, 'a/1', 0));
    await subscribed;
    const publish = (n: number): Promise<void> =>
      new Promise((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic: 'a/1', payload: Buffer.alloc(600, n), qos: 0, retain: false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    // The peer takes nothing, yet every publication completes.
    for (let i = 0; i < 4; i++) await publish(i);
    await waitFor(() => expect(slow).toContain(mc.client));
    expect(queuedOutboundBytes(mc.client)).toBeGreaterThan(1000);
  });

  it('reports a socket that stays full past drainTimeout as a "drain timeout" client error', async () => {
    const errors: Error[] = [];
    const aedes = await start({ drainTimeout: 50 });
    aedes.on('clientError', (_client, err) => errors.push(err));
    const subscribed = new Promise<void>((resolve) => aedes.once('subscribe', () => resolve()));
    const mc = await connect(aedes, { clientId: 'd1', keepaliveS: 60 });
    mc.hold();
    mc.send(subscribePacket(1, 'a/1', 0));
    await subscribed;
    // More than the connection's buffer takes (16 KiB): Aedes waits for 'drain', which never comes.
    aedes.publish({ cmd: 'publish', topic: 'a/1', payload: Buffer.alloc(40_000), qos: 0, retain: false, dup: false }, () => undefined);
    await waitFor(() => expect(errors.some(isDrainTimeout)).toBe(true));
    expect(mc.conn.destroyed).toBe(true);
  });

  it('reports a connection whose CONNECT does not come within connectTimeout as a "connect did not arrive in time" connection error', async () => {
    const errors: Error[] = [];
    const aedes = await start({ connectTimeout: 50 });
    aedes.on('connectionError', (_client, err) => errors.push(err));
    const mc = memoryConnection();
    aedes.handle(mc.conn);
    mc.send(connectPacket({ clientId: 'slow', keepaliveS: 60 }).subarray(0, 5)); // a CONNECT begun, never finished
    await waitFor(() => expect(errors.some(isConnectTimeout)).toBe(true));
    expect(mc.conn.destroyed).toBe(true);
    expect(isConnectTimeout(new Error('drain timeout'))).toBe(false);
  });

  it("queues a persistent session's QoS 1 messages through the bounded methods, and counts down at each PUBACK", async () => {
    const drops: string[] = [];
    const aedes = await start({ persistence: boundedPersistence(3, (clientId) => drops.push(clientId)) });
    const publish = (n: number): Promise<void> =>
      new Promise((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic: 'q/1', payload: Buffer.from(`m${n}`), qos: 1, retain: false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    const first = await connect(aedes, { clientId: 'q1', keepaliveS: 60, clean: false });
    first.send(subscribePacket(1, 'q/1', 1));
    await waitFor(() => expect(first.packets(9)).toHaveLength(1));
    destroyConnection(first.client);
    await waitFor(() => expect(aedes.connectedClients).toBe(0));
    for (let i = 0; i < 5; i++) await publish(i);
    expect(drops).toEqual(['q1', 'q1']);

    const back = await connect(aedes, { clientId: 'q1', keepaliveS: 60, clean: false });
    const delivered = await waitFor(() => {
      const p = back.packets(PUBLISH);
      expect(p).toHaveLength(3);
      return p;
    });
    for (const p of delivered) back.send(pubackPacket(publishedId(p.body)));
    await ticks(20);
    destroyConnection(back.client);
    await waitFor(() => expect(aedes.connectedClients).toBe(0));
    for (let i = 5; i < 8; i++) await publish(i);
    expect(drops).toHaveLength(2); // the PUBACKs made room for three more
  });

  it('shows inspectReads every chunk Aedes reads, before its parser; refusing one destroys the connection', async () => {
    const authorized: string[] = [];
    const aedes = await start({
      authorizePublish: (client, packet, done) => {
        if (client) authorized.push(packet.topic);
        done(null);
      },
    });
    const mc = memoryConnection();
    const seen: Buffer[] = [];
    inspectReads(mc.conn, (chunk) => {
      seen.push(chunk);
      return !chunk.includes('refuse-me');
    });
    const client = aedes.handle(mc.conn);
    const closed = new Promise<void>((resolve) => onConnectionClose(client, resolve));
    const hello = connectPacket({ clientId: 'i1', keepaliveS: 60 });
    mc.send(hello);
    await waitFor(() => expect(mc.packets(CONNACK)).toHaveLength(1));
    expect(Buffer.concat(seen)).toEqual(hello);
    expect(listClients(aedes)).toEqual([client]);
    mc.send(publishPacket('refuse-me', 'x', 0));
    await closed;
    expect(mc.conn.destroyed).toBe(true);
    expect(authorized).toEqual([]);
  });
});
