import type { Duplex } from 'node:stream';
import { inspectReads } from './aedes-adapter.js';

/** A packet whose declared Remaining Length is over its limit; `first` when it is the connection's first packet (its CONNECT). */
export interface Oversize {
  declared: number;
  limit: number;
  first: boolean;
}

/** The Remaining Length allowed to the first packet of a connection (the CONNECT [MQTT-3.1.0-1]) and to every later one. */
export interface PacketSizeLimits {
  maxRemaining: number;
  maxFirstRemaining: number;
}

/**
 * Follows the MQTT framing of a byte stream (fixed header, Remaining Length as a variable
 * byte integer [MQTT-2.2.3]) and reports the first packet whose declared Remaining Length
 * exceeds its limit, as soon as its header arrives, before its body is buffered. Returns a
 * feed function: undefined while the stream is within bounds, else the oversize (a declared
 * length of Infinity for a malformed length of more than 4 bytes).
 */
export function scanPacketSizes(limits: PacketSizeLimits): (chunk: Buffer) => Oversize | undefined {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
  let first = true;
  let limit = limits.maxFirstRemaining;
  return (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'type') {
        i++;
        state = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
      } else if (state === 'length') {
        const b = chunk[i++]!;
        length += (b & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes++;
        if (length > limit) return { declared: length, limit, first };
        if (b & 0x80) {
          if (lengthBytes >= 4) return { declared: Infinity, limit, first };
        } else {
          remaining = length;
          state = remaining === 0 ? 'type' : 'body';
          first = false;
          limit = limits.maxRemaining;
        }
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) state = 'type';
      }
    }
    return undefined;
  };
}

/** The scanner with one limit for every packet: the declared length of the first oversized packet, else undefined. */
export function createPacketSizeScanner(maxRemaining: number): (chunk: Buffer) => number | undefined {
  const scan = scanPacketSizes({ maxRemaining, maxFirstRemaining: maxRemaining });
  return (chunk) => scan(chunk)?.declared;
}

/**
 * Enforces a maximum packet size on a connection handed to Aedes, which sets none for MQTT
 * 3.1.1 (moscajs/aedes#831) and would otherwise buffer up to 256 MB per declared packet, and a
 * smaller one on its first packet: before its CONNECT is parsed a connection is nobody's, and
 * a CONNECT is small, so what an unauthenticated peer can make the parser hold is
 * `maxFirstRemaining` (docs/CONFIGURATION.md, MQTT_MAX_CONNECT_BYTES). After the CONNECT,
 * Aedes itself stops reading until the login is done (lib/handlers/connect.js, authenticate).
 * The check sees each chunk as Aedes pulls it (aedes-adapter.ts, inspectReads): an oversized
 * packet destroys the connection before its bytes reach the parser.
 */
export function guardPacketSize(conn: Duplex, limits: PacketSizeLimits, onTooLarge: (oversize: Oversize) => void): void {
  const feed = scanPacketSizes(limits);
  inspectReads(conn, (chunk) => {
    const oversize = feed(chunk);
    if (oversize === undefined) return true;
    onTooLarge(oversize);
    return false;
  });
}
