import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions, type Client, type ConnectPacket, type PublishPacket } from 'aedes';
import aedesPersistence from 'aedes-persistence';

/**
 * The one file that relies on Aedes beyond its documented options, events and `Client` type:
 * private client fields, the order of its handlers, how it reads a connection, and the methods
 * its persistence is called through. Each reliance is named here, with the Aedes source it
 * comes from, and test/unit/broker-aedes-adapter.test.ts checks every one of them against the
 * installed version, so an upgrade that changes one fails that test rather than the broker.
 */

/** The Aedes versions the reliances below were read from and are tested against (semver range). */
export const AEDES_SUPPORTED_RANGE = '~1.2.0';

type Deliver = (packet: unknown, done: (err?: Error | null) => void) => void;

/** Aedes client internals (lib/client.js, lib/handlers/connect.js). */
interface ClientInternals {
  conn: Duplex;
  clean: boolean;
  /** The CONNECT's will while the client authenticates; `will` once it is connected. */
  _will?: { topic: string } | null;
  will?: unknown;
  _parsingBatch: number;
  pause(): void;
  resume(): void;
  deliverQoS: Deliver;
  deliver0: Deliver;
}

const internals = (client: Client): ClientInternals => client as unknown as ClientInternals;
const noop = (): void => undefined;

/**
 * Starts Aedes with the broker's hooks. The ordering the broker builds on (lib/handlers/publish.js):
 * a PUBLISH runs `authorizePublish` first; only when its callback succeeds is a QoS 1 PUBACK
 * written, then `broker.publish()` and the `published` hook run. So `authorizePublish` is the
 * only place that can hold the PUBACK until a message is durable (docs/ARCHITECTURE.md, "Facts
 * that shape the design"); failing its callback writes no PUBACK and closes the client.
 */
export function createAedes(options: AedesOptions): Promise<Aedes> {
  return Aedes.createBroker(options);
}

/** Closes the broker and, through it, every client's connection. */
export function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => aedes.close(() => resolve()));
}

/**
 * Failures of the store or emitter that no client owns (lib aedes.js: DoEnqueues' failed
 * `subscriptionsByTopic`, the periodic will sweep): Aedes emits them as 'error', an event its
 * type declarations do not list, and an EventEmitter's unheard 'error' ends the process.
 */
export function onBrokerError(aedes: Aedes, listener: (err: Error) => void): void {
  (aedes as unknown as NodeJS.EventEmitter).on('error', listener);
}

/** The clients registered now (`aedes.clients`, keyed by client id). */
export function listClients(aedes: Aedes): Client[] {
  return Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);
}

/** The client Aedes made for a connection (`conn.client`, set in the Client constructor). */
export function clientOf(conn: Duplex): Client | undefined {
  return (conn as unknown as { client?: Client }).client;
}

/** Bytes written to the client's connection and not yet taken by the peer. */
export function queuedOutboundBytes(client: Client): number {
  return internals(client).conn.writableLength;
}

/** Ends the client's connection at once; Aedes sees the socket close and cleans up (and sends the will). */
export function destroyConnection(client: Client): void {
  internals(client).conn.destroy();
}

/** Runs `listener` once the client's connection has closed, whoever closed it. */
export function onConnectionClose(client: Client, listener: () => void): void {
  internals(client).conn.once('close', listener);
}

/**
 * Keepalive enforcement [MQTT-3.1.2-24]: a CONNECT's keepalive of 0 (none) or above `maxS` is
 * held to `maxS`. Call in `preConnect`: Aedes reads the same packet's keepalive after it
 * (setKeepAlive), and closes a client silent for 1.5 x it.
 */
export function holdKeepalive(packet: ConnectPacket, maxS: number): void {
  if (!packet.keepalive || packet.keepalive > maxS) packet.keepalive = maxS;
}

/** The will of the CONNECT being authenticated (Aedes keeps it in `_will` until CONNACK). */
export function pendingWill(client: Client): { topic: string } | undefined {
  return internals(client)._will ?? undefined;
}

/** Whether `packet` is the client's will, published by Aedes as the connection ends. */
export function isWill(client: Client, packet: PublishPacket): boolean {
  return internals(client).will === packet;
}

/**
 * Makes the session being authenticated a clean one, whatever the CONNECT asked: Aedes sets
 * `client.clean` before `authenticate` and reads the packet's `clean` after it (fetchSubs,
 * cleanIncoming), so both change. CONNACK then says sessionPresent 0 [MQTT-3.2.2-1].
 */
export function forceCleanSession(client: Client, connect: ConnectPacket): void {
  connect.clean = true;
  internals(client).clean = true;
}

/** Stops parsing the client's connection: its bytes stay in the socket (TCP backpressure). */
export function pauseReading(client: Client): void {
  internals(client).pause();
}

/**
 * Parses the client's connection again. While paused, Aedes' nextBatch returns early without
 * counting the packets that finished (lib/client.js), so its batch counter stays up and the
 * socket would not be read until unrelated bytes arrive. It is set to what is really pending:
 * `stillRunning` packets, the one whose completion resumes (its nextBatch comes after this)
 * and resume()'s own call. Lower is safe (reads a little sooner); higher stalls.
 */
export function resumeReading(client: Client, stillRunning: number): void {
  if (client.closed) return;
  const c = internals(client);
  c._parsingBatch = Math.min(c._parsingBatch, stillRunning + 2);
  c.resume();
}

/**
 * A slow or frozen subscriber must never hold up anyone else. Aedes delivers through one
 * mqemitter whose `concurrency` slots (100) stay taken until each receiving client's socket
 * drains; one frozen reader fills them all, and every delivery in the broker then waits for its
 * drainTimeout. Here each delivery releases its slot at once and the bytes wait in that
 * client's own socket buffer, which is bounded: past `maxOutboundBytes` the client is handed to
 * `onSlow` (and Aedes' drainTimeout still drops a socket that stays full). Call in preConnect,
 * before the client subscribes: Aedes binds `deliverQoS`/`deliver0` into each subscription.
 */
export function shieldDeliveries(client: Client, maxOutboundBytes: number, onSlow: (client: Client) => void): void {
  const c = internals(client);
  for (const key of ['deliverQoS', 'deliver0'] as const) {
    const deliver = c[key].bind(client);
    c[key] = (packet, done) => {
      if (c.conn.writableLength > maxOutboundBytes) onSlow(client);
      else deliver(packet, noop);
      setImmediate(done);
    };
  }
}

/** Aedes reports a socket that stayed full past drainTimeout only by this message (lib/client.js, _handleDrainTimeout). */
export const isDrainTimeout = (err: Error): boolean => err.message === 'drain timeout';

/**
 * Aedes reports a connection whose CONNECT did not arrive within its connectTimeout only by this
 * message, as a 'connectionError' (lib/client.js, the Client constructor's _connectTimer).
 */
export const isConnectTimeout = (err: Error): boolean => err.message === 'connect did not arrive in time';

/**
 * Sees each chunk Aedes takes from a connection before its parser does. Aedes pulls with
 * `conn.read()` on 'readable' (lib/client.js, nextBatch), so the hook sits there; when
 * `inspect` returns false the connection is destroyed and the chunk never reaches the parser.
 */
export function inspectReads(conn: Duplex, inspect: (chunk: Buffer) => boolean): void {
  const read = conn.read.bind(conn);
  conn.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk) && !inspect(chunk)) {
      conn.destroy();
      return null;
    }
    return chunk;
  };
}

// A CommonJS module whose types declare an ES default export: its default import is the factory.
const memoryPersistence = aedesPersistence as unknown as () => Persistence;
/** What Aedes takes as `persistence` (typed `any` there). */
type Persistence = object;
type Sub = { clientId: string };
type Packet = { topic?: string };
/** The aedes-persistence methods through which Aedes queues and clears QoS 1 messages for a client id. */
interface QueueMethods {
  outgoingEnqueue(sub: Sub, packet: Packet): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: Packet): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: Packet): Promise<unknown>;
}

/**
 * Aedes' in-memory persistence with a bound on each client id's queue of QoS 1 messages not
 * yet acknowledged. Without it, a gateway with a persistent session that stays away (or never
 * PUBACKs its rejection notices) grows the centre's heap by one notice per bad message, for
 * ever. Past `maxPerClient` a new message for that client id is not queued; `onDrop` is told.
 * The count follows the queue: up on enqueue (Aedes calls outgoingEnqueue for one subscriber,
 * outgoingEnqueueCombi for several), down when a PUBACK clears one (outgoingClearMessageId).
 */
export function boundedPersistence(maxPerClient: number, onDrop: (clientId: string, topic: string | undefined) => void): Persistence {
  const p = memoryPersistence();
  const counts = new Map<string, number>();
  const take = (sub: Sub, packet: Packet): boolean => {
    const n = counts.get(sub.clientId) ?? 0;
    if (n >= maxPerClient) {
      onDrop(sub.clientId, packet.topic);
      return false;
    }
    counts.set(sub.clientId, n + 1);
    return true;
  };
  const methods = p as unknown as QueueMethods;
  const enqueue = methods.outgoingEnqueue.bind(p);
  const enqueueCombi = methods.outgoingEnqueueCombi.bind(p);
  const clear = methods.outgoingClearMessageId.bind(p);
  methods.outgoingEnqueue = async (sub, packet) => {
    if (take(sub, packet)) await enqueue(sub, packet);
  };
  methods.outgoingEnqueueCombi = async (subs, packet) => {
    const kept = subs.filter((s) => take(s, packet));
    if (kept.length > 0) await enqueueCombi(kept, packet);
  };
  methods.outgoingClearMessageId = async (client, packet) => {
    const cleared = await clear(client, packet);
    if (cleared !== undefined) {
      const n = (counts.get(client.id) ?? 1) - 1;
      if (n > 0) counts.set(client.id, n);
      else counts.delete(client.id);
    }
    return cleared;
  };
  return p;
}

/**
 * A persistence the nodes of a cluster share (docs/ARCHITECTURE.md, "Cluster mode"), held to
 * the same bound as boundedPersistence. The count cannot live in one node's memory: the node
 * that queues a message for a client id is often not the one where that client acknowledges
 * it. So each enqueue asks the store (`queued`) how many it holds for that client id. Two
 * nodes enqueueing at once may pass the bound by a message each: a bound on memory, not a quota.
 */
export function boundedSharedPersistence(
  p: Persistence,
  maxPerClient: number,
  queued: (clientId: string) => Promise<number>,
  onDrop: (clientId: string, topic: string | undefined) => void,
): Persistence {
  const methods = p as unknown as QueueMethods;
  const enqueueCombi = methods.outgoingEnqueueCombi.bind(p);
  const hasRoom = async (sub: Sub, packet: Packet): Promise<boolean> => {
    if ((await queued(sub.clientId)) < maxPerClient) return true;
    onDrop(sub.clientId, packet.topic);
    return false;
  };
  methods.outgoingEnqueueCombi = async (subs, packet) => {
    if (subs.length === 0) return;
    const room = await Promise.all(subs.map((s) => hasRoom(s, packet)));
    const kept = subs.filter((_, i) => room[i]);
    if (kept.length > 0) await enqueueCombi(kept, packet);
  };
  methods.outgoingEnqueue = (sub, packet) => methods.outgoingEnqueueCombi([sub], packet);
  return p;
}
