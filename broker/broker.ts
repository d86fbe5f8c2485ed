import { readFile, stat } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket, type PublishPacket, type Subscription } from 'aedes';
import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import { parseTopic, QuantracError, systemClock, type Catalogue, type Clock, type Logger, type Presence } from '../core/index.js';
import { mayPublish, maySubscribe, type Identity } from './acl.js';
import { createAuthenticator, type ProvisionRequest } from './authenticator.js';
import { createBrokerMetrics } from './broker-metrics.js';
import { boundedPersistence } from './bounded-persistence.js';
import { ownsClientId } from './client-id.js';
import { createCredentialStore } from './credential-store.js';
import { createAdmissionLimiter, shieldDeliveries } from './client-guards.js';
import { startListeners, type Listeners } from './listeners.js';
import { guardPacketSize } from './packet-size-guard.js';
import { parsePresence } from './presence.js';
import { createPresenceTracker } from './presence-tracker.js';
import { DEFAULT_SCRYPT_COST } from './secret-hash.js';

export interface AdmitRequest {
  topic: string;
  payload: Buffer;
  clientId?: string;
}

/** Per-client limits (issue 3, "Limits"); README "Configuration" has the defaults' reasons. */
export interface BrokerLimits {
  /** Largest PUBLISH payload; a packet beyond it plus 1 KiB of headers closes the connection. */
  maxPayloadBytes: number;
  maxClientIdLength: number;
  /** Keepalive 0 or above this is treated as this: a silent connection dies after 1.5 x it. */
  maxKeepaliveS: number;
  /** Readings messages of one client being admitted at once (and QoS 2 awaiting PUBREL). */
  maxInflight: number;
  /** Bytes queued to one client's socket before it is dropped as a slow consumer. */
  maxOutboundBytes: number;
  /** A client whose socket stays full this long is dropped (Aedes drainTimeout). */
  drainTimeoutMs: number;
  /** QoS 1 messages held for one client id (offline persistent session, or unacknowledged) at most. */
  maxQueued: number;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxPayloadBytes: 256 * 1024,
  maxClientIdLength: 128,
  maxKeepaliveS: 300,
  maxInflight: 16,
  maxOutboundBytes: 1024 * 1024,
  drainTimeoutMs: 5_000,
  maxQueued: 1000,
};

const HEADER_ALLOWANCE_BYTES = 1024;

export interface BrokerOptions {
  host: string;
  port: number;
  /** MQTT over TLS: PEM files (MQTT_TLS_CERT, MQTT_TLS_KEY). */
  tls?: { port: number; certFile: string; keyFile: string };
  /** MQTT over WebSocket. */
  wsPort?: number;
  /** Ingest's admission: the PUBACK of a readings message waits for it (ARCHITECTURE.md). */
  admit(message: AdmitRequest): Promise<unknown>;
  /** Which stations exist: accounts may only name these. */
  catalogue: Pick<Catalogue, 'station'>;
  /** The credentials file (DATA_DIR/credentials.json), written by `quantrac gateway ...`. */
  credentialsFile: string;
  auth?: { maxFailuresPerMinute?: number; blockMs?: number; scryptCost?: number; pollMs?: number };
  limits?: Partial<BrokerLimits>;
  /** Where the broker's counters go (the `/metrics` registry); default a private one. */
  registry?: Registry;
  log: Logger;
  clock?: Clock;
}

export interface Broker {
  readonly port: number;
  readonly address: string;
  readonly tlsPort?: number;
  readonly wsPort?: number;
  readonly aedes: Aedes;
  /** Online/offline transitions per station, from the status topic, the will and the connection itself. */
  readonly presence$: Observable<Presence>;
  /** A station's current presence; undefined before it was ever seen. */
  presence(stationId: string): Presence | undefined;
  presenceSnapshot(): Presence[];
  /** An account kept in memory only, for demo mode and tests; returns its MQTT username and password. */
  provision(request: ProvisionRequest): { username: string; password: string };
  readonly metrics: Registry;
  /** Publishes from the centre (rejection notices, alerts). */
  publish(topic: string, payload: string | Buffer, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

interface ClientState {
  address: string;
  /** The CONNECT, until authentication: its clean flag is changed there for subscribers. */
  connect?: ConnectPacket;
  identity?: Identity;
  ready: boolean;
  dropped: boolean;
}

/** Aedes client internals this file relies on (lib/client.js). */
interface ClientInternals { _will?: { topic: string } | null }

async function readPem(path: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new QuantracError('ERR_CONFIG', `${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const log = options.log;
  const clock = options.clock ?? systemClock;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const tracker = createPresenceTracker({ clock });
  const states = new WeakMap<Client, ClientState>();
  const addresses = new WeakMap<Duplex, string>();
  const admissions = createAdmissionLimiter(limits.maxInflight);
  let aedesRef: Aedes | undefined;
  const metrics = createBrokerMetrics({ registry: options.registry, connectedClients: () => aedesRef?.connectedClients ?? 0 });
  const store = createCredentialStore({ file: options.credentialsFile, cost: options.auth?.scryptCost });
  const auth = await createAuthenticator({
    store,
    log,
    cost: options.auth?.scryptCost ?? DEFAULT_SCRYPT_COST,
    maxFailuresPerMinute: options.auth?.maxFailuresPerMinute ?? 10,
    blockMs: options.auth?.blockMs ?? 60_000,
    stationExists: (id) => options.catalogue.station(id) !== undefined,
    onFailure: (reason) => metrics.authFailure(reason),
  });

  // The file holds hashes only, but they are still worth a brute-force attempt: keep it private.
  stat(options.credentialsFile).then((s) => {
    if ((s.mode & 0o077) !== 0) log.warn({ file: options.credentialsFile, mode: (s.mode & 0o777).toString(8) }, 'credentials file is readable by others; chmod 600 it');
  }, () => undefined);

  const who = (client: Client): Record<string, unknown> => {
    const s = states.get(client);
    return { clientId: client.id, address: s?.address, account: s?.identity?.account };
  };

  const queueWarnedAt = new Map<string, number>();
  const persistence = boundedPersistence(limits.maxQueued, (clientId, topic) => {
    metrics.queueFull();
    // One warning per client id a minute: a gateway away for a day must not flood the log.
    const now = clock.now();
    if (now - (queueWarnedAt.get(clientId) ?? -Infinity) < 60_000) return;
    if (queueWarnedAt.size > 10_000) queueWarnedAt.clear();
    queueWarnedAt.set(clientId, now);
    log.warn({ clientId, topic, maxQueued: limits.maxQueued }, 'a client\'s queue of unacknowledged QoS 1 messages is full; newer ones are not kept for it');
  });

  const aedes = await Aedes.createBroker({
    persistence,
    drainTimeout: limits.drainTimeoutMs,
    connectTimeout: 10_000,
    maxClientsIdLength: limits.maxClientIdLength,
    maxInflightInbound: limits.maxInflight,
    preConnect: (client, packet, done) => {
      states.set(client, { address: addresses.get(client.conn) ?? 'unknown', connect: packet, ready: false, dropped: false });
      // Keepalive enforcement [MQTT-3.1.2-24]: Aedes closes a client silent for 1.5 x its
      // keepalive; 0 (none) or a longer one is held to the maximum, so a dead gateway is seen.
      if (!packet.keepalive || packet.keepalive > limits.maxKeepaliveS) packet.keepalive = limits.maxKeepaliveS;
      shieldDeliveries(client, limits.maxOutboundBytes, dropSlow);
      done(null, true);
    },
    authenticate: (client, username, password, done) => {
      authenticate(client, username, password).then(
        (err) => done(err, err === null),
        (err: Error) => {
          log.error({ err, ...who(client) }, 'authentication failed unexpectedly');
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
        },
      );
    },
    authorizePublish: (client, packet, done) => authorizePublish(client, packet, done),
    authorizeSubscribe: (client, sub, done) => authorizeSubscribe(client, sub, done),
  });
  aedesRef = aedes;

  function dropSlow(client: Client): void {
    const s = states.get(client);
    if (s?.dropped) return;
    if (s) s.dropped = true;
    metrics.refusal('slow_consumer');
    log.warn({ ...who(client), queuedBytes: client.conn.writableLength }, 'slow consumer: dropping the connection so it cannot hold up others');
    client.conn.destroy();
  }

  async function authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthenticateError | null> {
    const state = states.get(client)!;
    const refuse = (returnCode: 2 | 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode }) as AuthenticateError;
    if (client.id.length > limits.maxClientIdLength) {
      metrics.refusal('client_id_too_long');
      log.warn({ address: state.address, clientIdLength: client.id.length }, 'login refused: client id too long');
      return refuse(2, 'identifier rejected');
    }
    const connect = state.connect;
    state.connect = undefined;
    const outcome = await auth.authenticate({ address: state.address, clientId: client.id, username, password });
    if (!outcome.ok) return refuse(outcome.returnCode, outcome.returnCode === 4 ? 'bad user name or password' : 'not authorized');
    // Session takeover [MQTT-3.1.4-2]: a client id in use is handed to the newcomer, so an
    // account may only use its own (PROTOCOL.md, "Identity"). Checked after the secret, so it
    // tells nothing to a guesser. An empty one gets a unique id from Aedes; it needs a clean
    // session [MQTT-3.1.3-8].
    const assigned = connect !== undefined && !connect.clientId;
    if (assigned && !connect.clean) {
      metrics.refusal('client_id_empty');
      log.warn({ address: state.address, account: outcome.identity.account }, 'login refused: an empty client id needs a clean session');
      return refuse(2, 'identifier rejected');
    }
    if (!assigned && !ownsClientId(outcome.identity.account, client.id)) {
      metrics.refusal('client_id_not_owned');
      log.warn({ event: 'security', address: state.address, clientId: client.id, account: outcome.identity.account }, 'login refused: client id not owned by this account (it must be the account id, or start with it and ":" or "/")');
      return refuse(2, 'identifier rejected');
    }
    if (outcome.identity.role === 'subscriber' && connect && !connect.clean) {
      // Aedes' in-memory persistence queues QoS 1 messages, without bound, for an offline
      // persistent session and for every unacknowledged delivery of one: a subscriber that
      // went away (or never PUBACKs) would grow the heap with each alert. Subscribers get
      // alerts live; their history is in InfluxDB and the dashboard. CONNACK says
      // sessionPresent 0, as for any clean session [MQTT-3.2.2-1].
      connect.clean = true;
      client.clean = true;
      log.info({ address: state.address, clientId: client.id, account: outcome.identity.account }, 'subscriber asked for a persistent session; it gets a clean one (alerts are delivered live only)');
    }
    const will = (client as unknown as ClientInternals)._will;
    if (will && !mayPublish(outcome.identity, will.topic)) {
      metrics.refusal('will_forbidden');
      log.warn({ event: 'security', address: state.address, clientId: client.id, account: outcome.identity.account, topic: will.topic }, 'login refused: will topic not allowed for this account');
      return refuse(5, 'not authorized');
    }
    state.identity = outcome.identity;
    if (outcome.identity.role === 'gateway' && !client.closed) {
      tracker.attach(client, outcome.identity.stations);
      client.conn.once('close', () => {
        // A registered client is detached on 'clientDisconnect', after Aedes sent its will,
        // so the will's offline comes first; this catches the rest.
        if (!state.ready) tracker.detach(client);
        else setTimeout(() => tracker.detach(client), 1000).unref();
      });
    }
    return null;
  }

  function authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (client === null) return done(null); // the centre's own publications
    const state = states.get(client);
    if (!state?.identity || !mayPublish(state.identity, packet.topic)) {
      metrics.refusal('publish_forbidden');
      log.warn({ event: 'security', ...who(client), topic: packet.topic }, 'publish to a topic this account may not write; closing the connection');
      return done(new Error(`publishing to ${packet.topic} is not allowed`));
    }
    const topic = parseTopic(packet.topic)!;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (topic.kind === 'status') {
      const isWill = (client as unknown as { will?: unknown }).will === packet;
      const presence = parsePresence(topic.stationId, payload, clock.now(), isWill);
      if (presence) tracker.status(presence, client);
      return done(null);
    }
    admissions.run(client, () => options.admit({ topic: packet.topic, payload, clientId: client.id })).then(
      () => done(null),
      (err: Error) => {
        // Not acknowledged: closing the client makes a QoS 1 gateway resend later.
        log.error({ err, ...who(client), topic: packet.topic }, 'admission failed; closing client so it resends');
        done(err);
      },
    );
  }

  function authorizeSubscribe(client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void): void {
    const identity = states.get(client)?.identity;
    if (identity && maySubscribe(identity, sub.topic)) return done(null, sub);
    metrics.refusal('subscribe_forbidden');
    log.warn({ ...who(client), topic: sub.topic }, 'subscription refused');
    done(null, null); // SUBACK 0x80 [MQTT-3.9.3-2]
  }

  aedes.on('clientReady', (client) => {
    const s = states.get(client);
    if (!s) return;
    s.ready = true;
    tracker.ready(client);
    log.info({ ...who(client), role: s.identity?.role }, 'client connected');
  });
  aedes.on('clientDisconnect', (client) => {
    tracker.detach(client);
    log.info(who(client), 'client disconnected');
  });
  aedes.on('keepaliveTimeout', (client) => {
    metrics.refusal('keepalive_timeout');
    log.info(who(client), 'keepalive expired; closing the connection');
  });
  aedes.on('clientError', (client, err) => {
    // Aedes reports a frozen socket only by this message (lib/client.js, _handleDrainTimeout).
    if (err.message === 'drain timeout') dropSlow(client);
    log.debug({ ...who(client), err: err.message }, 'client error');
  });
  aedes.on('connectionError', (client, err) => log.debug({ address: client ? states.get(client)?.address : undefined, err: err.message }, 'connection error'));

  const maxRemaining = limits.maxPayloadBytes + HEADER_ALLOWANCE_BYTES;
  const tls = options.tls && { port: options.tls.port, cert: await readPem(options.tls.certFile, 'MQTT_TLS_CERT'), key: await readPem(options.tls.keyFile, 'MQTT_TLS_KEY') };
  let listeners: Listeners;
  try {
    listeners = await startListeners({
      host: options.host,
      port: options.port,
      tls,
      ws: options.wsPort === undefined ? undefined : { port: options.wsPort, maxPayloadBytes: maxRemaining },
      accept(conn, address, req) {
        addresses.set(conn, address);
        guardPacketSize(conn, maxRemaining, (declared) => {
          metrics.refusal('packet_too_large');
          const client = (conn as unknown as { client?: Client }).client;
          log.warn({ address, clientId: client?.id, account: client ? states.get(client)?.identity?.account : undefined, declaredBytes: declared, maxBytes: maxRemaining }, 'packet too large; closing the connection');
        });
        aedes.handle(conn, req);
      },
      onTlsError(address, err) {
        metrics.refusal('tls_handshake');
        log.info({ address, err: err.message }, 'TLS handshake failed');
      },
    });
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (err instanceof QuantracError) throw err;
    throw new QuantracError('ERR_LISTEN', `MQTT listener: ${(err as Error).message}`, { cause: err });
  }
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  log.info({ host: options.host, port: listeners.port, tlsPort: listeners.tlsPort, wsPort: listeners.wsPort }, 'MQTT broker listening');

  // The CLI edits the credentials file while the centre runs: follow it, and close the
  // connections of accounts that were disabled, rotated or removed.
  const poll = setInterval(() => {
    auth.reload().then((changed) => {
      if (changed.length === 0) return;
      const ids = new Set(changed);
      for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) {
        const account = states.get(client)?.identity?.account;
        if (account !== undefined && ids.has(account)) {
          log.warn({ ...who(client) }, 'credentials changed (disabled, rotated or removed); closing the connection');
          client.close();
        }
      }
    }, (err: Error) => log.error({ err }, 'credentials reload failed'));
  }, options.auth?.pollMs ?? 2_000);
  poll.unref();

  return {
    port: listeners.port,
    tlsPort: listeners.tlsPort,
    wsPort: listeners.wsPort,
    address: `mqtt://${host}:${listeners.port}`,
    aedes,
    presence$: tracker.presence$,
    presence: (id) => tracker.current(id),
    presenceSnapshot: () => tracker.snapshot(),
    provision: (request) => auth.provision(request),
    metrics: metrics.registry,
    publish(topic, payload, opts = {}) {
      return new Promise((resolve, reject) => {
        aedes.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: opts.qos ?? 1, retain: opts.retain ?? false, dup: false }, (err) => (err ? reject(err) : resolve()));
      });
    },
    async close() {
      clearInterval(poll);
      // Stop accepting, then close the clients (Aedes closes their sockets), then the broker.
      await Promise.all([listeners.close(), new Promise<void>((resolve) => aedes.close(() => resolve()))]);
      tracker.complete();
    },
  };
}
