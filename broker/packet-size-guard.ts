import type { Duplex } from 'node:stream';
import { inspectReads } from './aedes-adapter.js';

/**
 * Follows the MQTT framing of a byte stream (fixed header, Remaining Length as a variable
 * byte integer [MQTT-2.2.3]) and reports the first packet whose declared Remaining Length
 * exceeds `maxRemaining`, as soon as its header arrives, before its body is buffered.
 * Returns a feed function: undefined while the stream is within bounds, else the declared
 * length (Infinity for a malformed length of more than 4 bytes).
 */
export function createPacketSizeScanner(maxRemaining: number): (chunk: Buffer) => number | undefined {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
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
        if (length > maxRemaining) return length;
        if (b & 0x80) {
          if (lengthBytes >= 4) return Infinity;
        } else {
          remaining = length;
          state = remaining === 0 ? 'type' : 'body';
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

/**
 * Enforces a maximum packet size on a connection handed to Aedes, which sets none for MQTT
 * 3.1.1 (moscajs/aedes#831) and would otherwise buffer up to 256 MB per declared packet. The
 * check sees each chunk as Aedes pulls it (aedes-adapter.ts, inspectReads): an oversized packet
 * destroys the connection before its bytes reach the parser.
 */
export function guardPacketSize(conn: Duplex, maxRemaining: number, onTooLarge: (declared: number) => void): void {
  const feed = createPacketSizeScanner(maxRemaining);
  inspectReads(conn, (chunk) => {
    const declared = feed(chunk);
    if (declared === undefined) return true;
    onTooLarge(declared);
    return false;
  });
}
