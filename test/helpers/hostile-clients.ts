import { request } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connectPacket, mqttFrame, remainingLength } from '../../bench/mqtt-wire.js';

/**
 * The hostile world's clients, over loopback only: raw MQTT CONNECTs from a chosen source
 * address (127.0.0.0/8 is all loopback on Linux, so each address is a different "client" to the
 * centre's per-address throttles), unfinished CONNECTs that hold bytes before any login, and
 * HTTP requests from a chosen address with headers fetch() will not send (Host).
 */

/** The CONNACK return code of one CONNECT, or 'closed' when the centre closed without one, or 'timeout'. */
export type ConnackOutcome = number | 'closed' | 'timeout';

/** One raw CONNECT from `localAddress`; resolves with its CONNACK code (0 accepted) and closes the socket. */
export function connectOnce(
  port: number,
  o: { username: string; password: string; clientId: string; localAddress?: string; timeoutMs?: number },
): Promise<ConnackOutcome> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port, localAddress: o.localAddress });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (r: ConnackOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish('timeout'), o.timeoutMs ?? 60_000);
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('connect', () =>
      socket.write(connectPacket({ clientId: o.clientId, username: o.username, password: o.password, keepaliveS: 60 })),
    );
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // CONNACK: 0x20, remaining length 2, flags, return code.
      if (buf.length >= 4 && buf[0] === 0x20) finish(buf[3]!);
    });
  });
}

/**
 * Unfinished CONNECTs: each socket declares a CONNECT of `declaredBytes` and sends only
 * `sentBytes` of it, then stays silent. Reports how many sockets the centre has closed.
 */
export interface PreAuthFlood {
  readonly sockets: Socket[];
  /** Sockets the centre (or an error) closed so far. */
  closed(): number;
  /** Resolves once every socket has handed its bytes to the kernel (or closed). */
  readonly written: Promise<void>;
  destroy(): void;
}

export async function preAuthFlood(
  port: number,
  o: { connections: number; sentBytes: number; declaredBytes: number },
): Promise<PreAuthFlood> {
  const sockets: Socket[] = [];
  let closed = 0;
  const writes: Array<Promise<void>> = [];
  const header = Buffer.from([0x10, ...remainingLength(o.declaredBytes)]);
  // The start of a real CONNECT (protocol name, level 4, clean session, keepalive 60), then filler.
  const start = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const body = Buffer.concat([header, start, Buffer.alloc(Math.max(0, o.sentBytes - header.length - start.length), 0x61)]);
  const opened = Array.from({ length: o.connections }, () => {
    const socket = netConnect({ host: '127.0.0.1', port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => closed++);
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.once('connect', () => {
        writes.push(new Promise<void>((done) => socket.write(body, () => done())));
        resolve();
      });
    });
  });
  await Promise.all(opened);
  const written = Promise.all(writes.map((w) => Promise.race([w, new Promise<void>((r) => setTimeout(r, 10_000))]))).then(() => undefined);
  return {
    sockets,
    closed: () => closed,
    written,
    destroy() {
      for (const s of sockets) s.destroy();
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen source address, any headers (Host included); status 0 when nothing answered. */
export function httpFrom(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: o.method ?? 'GET', headers: o.headers, localAddress: o.localAddress, timeout: o.timeoutMs ?? 60_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    req.end(o.body);
  });
}

/** POST /api/login from a source address, as the page does (JSON, its own Origin). */
export function loginFrom(dashboardUrl: string, username: string, password: string, localAddress?: string): Promise<HttpAnswer> {
  return httpFrom(`${dashboardUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(dashboardUrl).origin },
    body: JSON.stringify({ username, password }),
    localAddress,
  });
}

/** A QoS 1 PUBLISH carrying packet id 0, which MQTT forbids [MQTT-2.3.1-1]. */
export function publishWithPacketIdZero(topic: string, payload: string): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(t.length);
  return mqttFrame(0x32, Buffer.concat([len, t, Buffer.from([0x00, 0x00]), Buffer.from(payload, 'utf8')]));
}
