/**
 * A minimal MQTT 3.1.1 client for the load generator: CONNECT, QoS 1 PUBLISH, PUBACK and
 * PINGREQ, written straight to a TCP socket. A real gateway's CPU is not on the centre's
 * machine; the benchmark's must be as small as it can be so that it measures the centre, not
 * mqtt.js (which cost the generator about a third of a core at 50,000 readings/s).
 */
import { connect, type Socket } from 'node:net';
import { PendingAcks } from './wire-acks.js';
import { PacketReader } from './wire-reader.js';

export interface WireClient {
  /** Queues a QoS 1 PUBLISH; `onAck` runs at its PUBACK. Written out at the next flush(). */
  publish(topic: string, payload: string, onAck: () => void): void;
  /** Writes what publish() queued, as one write. */
  flush(): void;
  readonly outstanding: number;
  end(): Promise<void>;
}

/** MQTT's Remaining Length: a variable byte integer of 1-4 bytes. */
export function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A length-prefixed string (or bytes) field. */
export function utf8Field(s: string | Buffer): Buffer {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

/** A whole packet: the type byte, the Remaining Length, the body. */
export const mqttFrame = (type: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([type, ...remainingLength(body.length)]), body]);

export function connectPacket(o: {
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
  will?: { topic: string; payload: string };
  clean?: boolean;
}): Buffer {
  let flags = o.clean === false ? 0 : 0x02; // clean session unless asked otherwise
  if (o.will) flags |= 0x04 | (1 << 3) | 0x20; // will, QoS 1, retain
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(o.keepaliveS);
  const parts = [utf8Field('MQTT'), Buffer.from([4, flags]), keepalive, utf8Field(o.clientId)];
  if (o.will) parts.push(utf8Field(o.will.topic), utf8Field(o.will.payload));
  if (o.username !== undefined) parts.push(utf8Field(o.username));
  if (o.password !== undefined) parts.push(utf8Field(o.password));
  return mqttFrame(0x10, Buffer.concat(parts));
}

/** A QoS 1 PUBLISH of `payload` on `topic` with packet id `id`, as one buffer. */
export function publishPacket(topic: string, payload: string, id: number): Buffer {
  const t = Buffer.byteLength(topic);
  const p = Buffer.byteLength(payload);
  const body = 2 + t + 2 + p;
  const rl = remainingLength(body);
  const packet = Buffer.allocUnsafe(1 + rl.length + body);
  let k = 0;
  packet[k++] = 0x32; // PUBLISH, QoS 1
  for (const b of rl) packet[k++] = b;
  packet.writeUInt16BE(t, k);
  k += 2;
  k += packet.write(topic, k, 'utf8');
  packet.writeUInt16BE(id, k);
  k += 2;
  packet.write(payload, k, 'utf8');
  return packet;
}

/**
 * Connects and waits for CONNACK 0; rejects with the return code otherwise. Its parts: a
 * PacketReader splits what arrives into packets, PendingAcks holds the publishes awaiting PUBACK.
 */
export function connectWire(
  url: string,
  o: { clientId: string; username?: string; password?: string; keepaliveS?: number; onClose?: () => void },
): Promise<WireClient> {
  const u = new URL(url);
  const keepaliveS = o.keepaliveS ?? 60;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: u.hostname, port: Number(u.port || 1883) });
    socket.setNoDelay(true);
    const acks = new PendingAcks();
    let queued: Buffer[] = [];
    let connected = false;
    // PINGREQ at half the keep-alive; a plain unref'd timer, so that it never holds the generator's process open.
    const ping = setInterval(() => socket.write(Buffer.from([0xc0, 0x00])), (keepaliveS * 1000) / 2);
    ping.unref();
    socket.on('error', (err) => {
      if (!connected) reject(err);
    });
    socket.on('close', () => {
      clearInterval(ping);
      if (!connected) reject(new Error('connection closed before CONNACK'));
      o.onClose?.();
    });
    const reader = new PacketReader((type, buf, at, len) => {
      if (type === 4 && len >= 2) acks.settle(buf.readUInt16BE(at));
      else if (type === 2 && !connected) {
        const rc = buf[at + 1];
        if (rc !== 0) {
          socket.destroy();
          reject(new Error(`CONNACK return code ${rc}`));
          return false;
        }
        connected = true;
        resolve(client);
      }
      return true;
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.write(connectPacket({ clientId: o.clientId, username: o.username, password: o.password, keepaliveS }));
    const client: WireClient = {
      publish(topic, payload, onAck) {
        queued.push(publishPacket(topic, payload, acks.add(onAck)));
      },
      flush() {
        if (queued.length === 0) return;
        const out = queued.length === 1 ? queued[0]! : Buffer.concat(queued);
        queued = [];
        socket.write(out);
      },
      get outstanding() {
        return acks.outstanding;
      },
      end() {
        return new Promise<void>((res) => {
          if (socket.destroyed) return res();
          socket.once('close', () => res());
          socket.end(Buffer.from([0xe0, 0x00])); // DISCONNECT
        });
      },
    };
  });
}
