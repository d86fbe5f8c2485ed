import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface ListenerOptions {
  host: string;
  port: number;
  /** MQTT over TLS (PEM certificate chain and key). */
  tls?: { port: number; cert: Buffer; key: Buffer };
  /** MQTT over WebSocket (subprotocol `mqtt`, any path). */
  ws?: { port: number; maxPayloadBytes: number };
  /** Every new connection, with the peer's address for logs and throttling. */
  accept(conn: Duplex, address: string, req?: IncomingMessage): void;
  /** A TLS handshake failed (e.g. plain MQTT sent to the TLS port). */
  onTlsError(address: string, err: Error): void;
}

export interface Listeners {
  readonly port: number;
  readonly tlsPort?: number;
  readonly wsPort?: number;
  /** Stops accepting; open connections are closed by the broker. */
  close(): Promise<void>;
}

const peer = (socket: Socket | undefined): string => socket?.remoteAddress ?? 'unknown';

async function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

const closeServer = (server: Server | HttpServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** The broker's listeners: plain TCP always; TLS and WebSocket when configured. */
export async function startListeners(options: ListenerOptions): Promise<Listeners> {
  const servers: Array<Server | HttpServer> = [];
  const extra: Array<() => void> = [];
  try {
    const tcp = createTcpServer((socket) => {
      // PUBACKs are small and latency matters to the gateway; do not wait for Nagle.
      socket.setNoDelay(true);
      options.accept(socket, peer(socket));
    });
    servers.push(tcp);
    const port = await listen(tcp, options.port, options.host);

    let tlsPort: number | undefined;
    if (options.tls) {
      const tls = createTlsServer(
        { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 },
        (socket) => {
          socket.setNoDelay(true);
          options.accept(socket, peer(socket));
        },
      );
      tls.on('tlsClientError', (err, socket) => options.onTlsError(peer(socket), err));
      servers.push(tls);
      tlsPort = await listen(tls, options.tls.port, options.host);
    }

    let wsPort: number | undefined;
    if (options.ws) {
      const http = createHttpServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('MQTT over WebSocket: connect with the "mqtt" subprotocol\n');
      });
      const wss = new WebSocketServer({
        server: http,
        // The WebSocket frame limit mirrors the MQTT packet limit, plus framing slack.
        maxPayload: options.ws.maxPayloadBytes + 4096,
        handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
      });
      wss.on('connection', (ws, req) => {
        const stream = createWebSocketStream(ws);
        options.accept(stream, peer(req.socket), req);
      });
      servers.push(http);
      extra.push(() => {
        wss.close();
        http.closeAllConnections();
      });
      wsPort = await listen(http, options.ws.port, options.host);
    }

    return {
      port,
      tlsPort,
      wsPort,
      async close() {
        for (const fn of extra) fn();
        await Promise.all(servers.map(closeServer));
      },
    };
  } catch (err) {
    for (const fn of extra) fn();
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    throw err;
  }
}
