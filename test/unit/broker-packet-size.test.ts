import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createPacketSizeScanner, guardPacketSize } from '../../broker/packet-size-guard.js';
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
    guardPacketSize(conn, 100, (n) => seen.push(n));
    conn.write(packet(50));
    await new Promise((r) => setImmediate(r));
    expect((conn.read() as Buffer).length).toBe(52);
    conn.write(header(0x30, 5000));
    await new Promise((r) => setImmediate(r));
    expect(conn.read()).toBeNull();
    expect(seen).toEqual([5000]);
    expect(conn.destroyed).toBe(true);
  });
});
