import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createPacketSizeScanner, guardPacketSize, scanPacketSizes } from '../../broker/packet-size-guard.js';
import { remainingLength } from '../../bench/mqtt-wire.js';

/** An MQTT fixed header: type byte and the Remaining Length as a variable byte integer. */
const header = (type: number, length: number): Buffer => Buffer.from([type, ...remainingLength(length)]);
const packet = (length: number): Buffer => Buffer.concat([header(0x30, length), Buffer.alloc(length, 7)]);

describe('packet size scanner', () => {
  it('passes packets up to the limit, whole or split at any byte', () => {
    const stream = Buffer.concat([packet(0), packet(127), packet(128), packet(16_383), packet(16_384), packet(1000)]);
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const feed = createPacketSizeScanner(16_384);
      for (let i = 0; i < stream.length; i += size) expect(feed(stream.subarray(i, i + size))).toBeUndefined();
    }
  });

  it('reports the first packet over the limit as soon as its length arrives, before the body', () => {
    const feed = createPacketSizeScanner(1000);
    expect(feed(packet(1000))).toBeUndefined();
    const big = header(0x30, 268_435_455);
    expect(feed(big.subarray(0, 2))).toBeUndefined(); // 127 so far: still possible
    expect(feed(big.subarray(2, 3))).toBeGreaterThan(1000);
    expect(createPacketSizeScanner(1000)(header(0x30, 1001))).toBe(1001);
  });

  it('treats a length of more than four bytes as malformed', () => {
    expect(createPacketSizeScanner(Number.MAX_SAFE_INTEGER)(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(Infinity);
  });

  it('guards a stream read the way Aedes reads it, destroying it on an oversized packet', async () => {
    const conn = new PassThrough();
    const seen: number[] = [];
    guardPacketSize(conn, { maxRemaining: 100, maxFirstRemaining: 100 }, (o) => seen.push(o.declared));
    conn.write(packet(50));
    await new Promise((r) => setImmediate(r));
    expect((conn.read() as Buffer).length).toBe(52);
    conn.write(header(0x30, 5000));
    await new Promise((r) => setImmediate(r));
    expect(conn.read()).toBeNull();
    expect(seen).toEqual([5000]);
    expect(conn.destroyed).toBe(true);
  });

  it("holds a connection's first packet (its CONNECT) to its own limit, and every later one to the other", () => {
    const limits = { maxRemaining: 100_000, maxFirstRemaining: 1000 };
    expect(scanPacketSizes(limits)(header(0x10, 1001))).toEqual({ declared: 1001, limit: 1000, first: true });
    // An unfinished 64 KiB CONNECT is refused at its header, before any of its body.
    expect(scanPacketSizes(limits)(header(0x10, 64 * 1024))).toMatchObject({ first: true, limit: 1000 });
    // Whatever the first packet's type: Aedes would buffer it whole before refusing a non-CONNECT [MQTT-3.1.0-1].
    expect(scanPacketSizes(limits)(header(0x30, 5000))).toMatchObject({ declared: 5000, first: true });
    for (const size of [1, 3, 1000]) {
      const scan = scanPacketSizes(limits);
      const stream = Buffer.concat([packet(1000), packet(50_000), header(0x30, 100_001)]);
      let seen;
      for (let i = 0; i < stream.length && !seen; i += size) seen = scan(stream.subarray(i, i + size));
      expect(seen).toEqual({ declared: 100_001, limit: 100_000, first: false });
    }
  });

  it('reports a malformed length in the first packet as an oversized first packet', () => {
    const scan = scanPacketSizes({ maxRemaining: 100, maxFirstRemaining: Number.MAX_SAFE_INTEGER });
    expect(scan(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]))).toMatchObject({ declared: Infinity, first: true });
  });
});
