import { connect as netConnect, type Socket } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { connectPacket, mqttFrame, utf8Field } from '../../bench/mqtt-wire.js';

/**
 * MQTT test clients: mqtt.js with a chosen source address (throttling tests), a CONNECT that
 * reports its CONNACK code, and a raw socket speaking MQTT 3.1.1 by hand for what mqtt.js will
 * not do (stay silent past its keepalive, never read, declare a huge packet).
 */

export type ConnectResult = { ok: true; client: MqttClient } | { ok: false; code: number | undefined; message: string };

/** Connects once (no reconnect) and reports the CONNACK: the client, or the refusal code. */
export function tryConnect(url: string, options: IClientOptions & { localAddress?: string } = {}): Promise<ConnectResult> {
  const { localAddress, ...opts } = options;
  const u = new URL(url);
  const client = localAddress
    ? new MqttClient(() => netConnect({ host: u.hostname, port: Number(u.port), localAddress }), {
        reconnectPeriod: 0,
        connectTimeout: 10_000,
        ...opts,
        host: u.hostname,
        port: Number(u.port),
      })
    : mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
  // Errors after the CONNACK (e.g. a refused publish closing the client) are the test's to observe via 'close'.
  client.on('error', () => undefined);
  return new Promise((resolve) => {
    const done = (r: ConnectResult): void => {
      client.removeAllListeners('connect');
      resolve(r);
    };
    client.once('connect', () => done({ ok: true, client }));
    client.once('error', (err: Error & { code?: number }) => {
      client.end(true);
      done({ ok: false, code: typeof err.code === 'number' ? err.code : undefined, message: err.message });
    });
    client.once('close', () => {
      if (!client.connected) {
        client.end(true);
        done({ ok: false, code: undefined, message: 'closed' });
      }
    });
  });
}

export { connectPacket };

export function subscribePacket(messageId: number, topic: string, qos = 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(messageId);
  return mqttFrame(0x82, Buffer.concat([id, utf8Field(topic), Buffer.from([qos])]));
}

export interface RawPacket {
  type: number;
  body: Buffer;
}

export interface RawClient {
  readonly socket: Socket;
  readonly packets: RawPacket[];
  /** Resolves with the first packet of this type (CONNACK 2, SUBACK 9, ...). */
  next(type: number, timeoutMs?: number): Promise<RawPacket>;
  readonly closed: Promise<void>;
}

/** A TCP socket speaking MQTT by hand; it parses what the broker sends. */
export async function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  const socket = netConnect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const packets: RawPacket[] = [];
  const waiters: Array<() => void> = [];
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      let len = 0;
      let mul = 1;
      let i = 1;
      for (; i < buf.length && i < 5; i++) {
        len += (buf[i]! & 0x7f) * mul;
        mul *= 128;
        if (!(buf[i]! & 0x80)) break;
      }
      if (i >= buf.length || buf.length < i + 1 + len) break;
      packets.push({ type: buf[0]! >> 4, body: buf.subarray(i + 1, i + 1 + len) });
      buf = buf.subarray(i + 1 + len);
    }
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    packets,
    closed,
    next(type, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no packet of type ${type} within ${timeoutMs} ms`)), timeoutMs);
        const check = (): void => {
          const p = packets.find((x) => x.type === type);
          if (p) {
            clearTimeout(timer);
            resolve(p);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/**
 * SUBACK return codes per topic filter (0-2 granted QoS, 128 refused [MQTT-3.9.3-2]); one
 * SUBSCRIBE per filter, since mqtt.js rejects a whole SUBSCRIBE when any filter is refused.
 */
export async function subackCodes(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const topic of filters) {
    try {
      const granted = await client.subscribeAsync(topic, { qos });
      out[topic] = granted[0]!.qos;
    } catch (err) {
      const packet = (err as { packet?: { granted?: Array<number | { qos: number }> } }).packet;
      const g = packet?.granted?.[0];
      if (g === undefined) throw err;
      out[topic] = typeof g === 'number' ? g : g.qos;
    }
  }
  return out;
}
