import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { Subject, type Observable } from 'rxjs';
import { parseTopic, systemClock, type Clock, type Logger, type Presence } from '../core/index.js';
import { parsePresence } from './presence.js';

export interface AdmitRequest {
  topic: string;
  payload: Buffer;
  clientId?: string;
}

export interface BrokerOptions {
  host: string;
  port: number;
  /** Ingest's admission: the PUBACK of a readings message waits for it (ARCHITECTURE.md). */
  admit(message: AdmitRequest): Promise<unknown>;
  log: Logger;
  clock?: Clock;
  /** Gateway authentication; the default accepts every client (the auth issue replaces it). */
  authenticate?(client: Client, username: string | undefined, password: Buffer | undefined): Promise<boolean | AuthenticateError>;
}

export interface Broker {
  readonly port: number;
  readonly address: string;
  readonly aedes: Aedes;
  /** Online/offline events per station, from the status topic and the MQTT will. */
  readonly presence$: Observable<Presence>;
  /** Publishes from the centre (rejection notices, alerts). */
  publish(topic: string, payload: string | Buffer, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const log = options.log;
  const clock = options.clock ?? systemClock;
  const presence$ = new Subject<Presence>();

  const aedes = await Aedes.createBroker({
    // A slow subscriber must never stall ingestion: drop it after 5 s of a full socket.
    drainTimeout: 5_000,
    authenticate: (client, username, password, done) => {
      if (!options.authenticate) return done(null, true);
      options.authenticate(client, username, password).then(
        (res) => (res === true ? done(null, true) : done(res === false ? null : res, false)),
        (err: Error) => { log.error({ err }, 'authenticate failed'); done(null, false); },
      );
    },
    authorizePublish: (client, packet, done) => authorizePublish(client, packet, done),
    authorizeSubscribe: (client, sub, done) => authorizeSubscribe(client, sub, done),
  });

  function authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (client === null) return done(null); // the centre's own publications
    const topic = parseTopic(packet.topic);
    if (topic?.kind === 'readings') {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      options.admit({ topic: packet.topic, payload, clientId: client.id }).then(
        () => done(null),
        (err: Error) => {
          // Not acknowledged: closing the client makes a QoS 1 gateway resend later.
          log.error({ err, clientId: client.id, topic: packet.topic }, 'admission failed; closing client so it resends');
          done(err);
        },
      );
      return;
    }
    if (topic?.kind === 'status') {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const presence = parsePresence(topic.stationId, payload, clock.now(), (client as unknown as { will?: unknown }).will === packet);
      if (presence) presence$.next(presence);
      return done(null);
    }
    log.warn({ clientId: client.id, topic: packet.topic }, 'publish to a topic gateways may not write; closing client');
    done(new Error(`publishing to ${packet.topic} is not allowed`));
  }

  function authorizeSubscribe(client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void): void {
    const topic = parseTopic(sub.topic);
    if (topic?.kind === 'errors' || sub.topic.startsWith('alerts/')) return done(null, sub);
    log.warn({ clientId: client.id, topic: sub.topic }, 'subscription refused');
    done(null, null); // SUBACK 0x80 [MQTT-3.9.3-2]
  }

  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (client, err) => log.debug({ clientId: client?.id, err: err.message }, 'connection error'));

  const server: Server = createServer(aedes.handle);
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  log.info({ host: options.host, port }, 'MQTT broker listening');

  return {
    port,
    address: `mqtt://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    aedes,
    presence$: presence$.asObservable(),
    publish(topic, payload, opts = {}) {
      return new Promise((resolve, reject) => {
        aedes.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: opts.qos ?? 1, retain: opts.retain ?? false, dup: false }, (err) => (err ? reject(err) : resolve()));
      });
    },
    async close() {
      // Stop accepting, then close the clients (Aedes closes their sockets), then the broker.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        aedes.close(() => undefined);
      });
      presence$.complete();
    },
  };
}
