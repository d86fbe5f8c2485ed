import type { Duplex } from 'node:stream';

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
 * 3.1.1 (moscajs/aedes#831) and would otherwise buffer up to 256 MB per declared packet.
 * Aedes pulls each chunk with `conn.read()` (lib/client.js, nextBatch), so the check sits
 * there: an oversized packet destroys the connection before its bytes reach the parser.
 */
export function guardPacketSize(conn: Duplex, maxRemaining: number, onTooLarge: (declared: number) => void): void {
  const feed = createPacketSizeScanner(maxRemaining);
  const read = conn.read.bind(conn);
  conn.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk)) {
      const declared = feed(chunk);
      if (declared !== undefined) {
        onTooLarge(declared);
        conn.destroy();
        return null;
      }
    }
    return chunk;
  };
}
