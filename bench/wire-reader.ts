/**
 * The load generator's MQTT input (bench/mqtt-wire.ts): a TCP byte stream split into whole
 * packets, MQTT 3.1.1 section 2.2 (the fixed header: type byte, then the Remaining Length of
 * 1-4 bytes). A packet cut between two chunks waits for the next chunk.
 */

/**
 * Called with each whole packet: its type (the high nibble of the first byte), the buffer, where
 * the body starts and its length. Returning false stops reading this chunk (and drops the rest:
 * the connection is being closed).
 */
export type OnPacket = (type: number, buf: Buffer, at: number, len: number) => boolean;

export class PacketReader {
  private rest: Buffer | undefined;

  constructor(private readonly onPacket: OnPacket) {}

  /** Takes a chunk from the socket; calls onPacket for each packet it completes. */
  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let i = 0;
    while (i < buf.length) {
      // Fixed header, then the remaining length (1-4 bytes).
      let len = 0;
      let mul = 1;
      let j = i + 1;
      let complete = false;
      while (j < buf.length) {
        const b = buf[j++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || j + len > buf.length) break;
      if (!this.onPacket(buf[i]! >> 4, buf, j, len)) return;
      i = j + len;
    }
    if (i < buf.length) this.rest = buf.subarray(i);
  }
}
