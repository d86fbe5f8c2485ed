import mqtt, { type MqttClient } from 'mqtt';
import { errorsTopic, readingsTopic, statusTopic, type Logger, type RejectionNotice, type Station } from '../core/index.js';
import { toLocalIso } from './local-time.js';
import { createBacklog, type StoredReading } from './backlog.js';
import { malformedPayload, type WireMessage } from './malformed-payload.js';
import type { MalformedKind } from './scenario-schema.js';
import type { SimulatedReading, Tick } from './station-script.js';

export interface SimulatedMessage {
  station: string;
  seq: number;
  /** Measurement time, epoch ms (a backlog message: its newest reading's). */
  ts: number;
  readings: SimulatedReading[];
  /** A store-and-forward message: every reading carries its own `ts`. */
  backlog?: boolean;
  /** A defect sent on purpose (malformed scenario), with the code the centre should answer. */
  malformed?: { kind: MalformedKind; code: string; whole: boolean };
  /** When the publish was handed to the client and when it was acknowledged (PUBACK). */
  sentAt: number;
  ackedAt?: number;
}

export interface GatewayStats {
  ticks: number;
  lost: number;
  messages: number;
  acked: number;
  readingsAcked: number;
  backlogMessages: number;
  /** Readings waiting in the store right now, and overwritten because it was full. */
  backlog: number;
  overflowed: number;
  disconnects: number;
  notices: number;
}

export interface GatewayOptions {
  url: string;
  station: Station;
  credentials?: { username: string; password: string };
  /** Readings per store-and-forward message (PROTOCOL.md allows up to 1000). */
  backlogBatch: number;
  /** Store size, readings. */
  backlogMax: number;
  record?: (message: SimulatedMessage) => void;
  onAck?: (message: SimulatedMessage) => void;
  onNotice?: (station: string, notice: RejectionNotice) => void;
  log?: Logger;
}

export interface Gateway {
  readonly stats: GatewayStats;
  readonly connected: boolean;
  /** Resolves at the first CONNACK. */
  readonly firstConnect: Promise<void>;
  /** Delivers one sample: live when connected and nothing is waiting, else into the store. */
  send(tick: Tick): void;
  /** Puts history (older samples) into the store, to go out as a backlog. */
  store(ticks: readonly Tick[]): void;
  /** The offline scenario: drops the connection abruptly (the broker publishes the will) or comes back. */
  setOffline(offline: boolean): void;
  /** Resolves when the store is empty and every message is acknowledged (reconnecting if offline). */
  drain(): Promise<void>;
  /** Says goodbye (offline status, DISCONNECT) and closes. */
  close(): Promise<void>;
}

interface Session {
  client: MqttClient;
  inflight: Map<number, { message: SimulatedMessage; stored: StoredReading[] }>;
}

const MAX_BACKLOG_INFLIGHT = 4;

/** One station's gateway per PROTOCOL.md: QoS 1, retained online status, offline as the will, store-and-forward. */
export function createGateway(options: GatewayOptions): Gateway {
  const { station } = options;
  const backlog = createBacklog(options.backlogMax);
  const stats: GatewayStats = {
    ticks: 0,
    lost: 0,
    messages: 0,
    acked: 0,
    readingsAcked: 0,
    backlogMessages: 0,
    backlog: 0,
    overflowed: 0,
    disconnects: 0,
    notices: 0,
  };
  let session: Session | undefined;
  let offline = false;
  let closed = false;
  let seq = 0;
  let backlogInflight = 0;
  const idleWaiters: Array<() => void> = [];
  let resolveFirst!: () => void;
  const firstConnect = new Promise<void>((r) => {
    resolveFirst = r;
  });

  const refresh = (): void => {
    stats.backlog = backlog.size;
    stats.overflowed = backlog.overflowed;
    if (backlog.size === 0 && (session?.inflight.size ?? 0) === 0) for (const w of idleWaiters.splice(0)) w();
  };

  const connect = (): void => {
    const credentials = options.credentials ?? { username: station.id };
    const client = mqtt.connect(options.url, {
      // A client id starts with the account id (PROTOCOL.md, "Identity"); an account serving
      // several simulated stations gets one per station, or they would take each other over.
      clientId: credentials.username === station.id ? `${station.id}:sim` : `${credentials.username}:sim:${station.id}`,
      ...credentials,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: statusTopic(station.id), payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    });
    const own: Session = { client, inflight: new Map() };
    session = own;
    client.on('error', (err) => options.log?.warn({ err: err.message, station: station.id }, 'simulator client error'));
    client.on('close', () => {
      if (session === own) stats.disconnects++;
    });
    client.on('message', (_topic, payload) => {
      try {
        const notice = JSON.parse(payload.toString()) as RejectionNotice;
        stats.notices++;
        options.onNotice?.(station.id, notice);
      } catch {
        /* a gateway ignores what it cannot read */
      }
    });
    client.on('connect', () => {
      if (session !== own) return;
      resolveFirst();
      void client
        .publishAsync(statusTopic(station.id), JSON.stringify({ state: 'online', ts: Date.now() }), { qos: 1, retain: true })
        .catch(() => undefined);
      // Hearing our own rejection notices is what a good gateway does (PROTOCOL.md, errors topic).
      client.subscribeAsync(errorsTopic(station.id), { qos: 1 }).catch(() => undefined);
      pump();
    });
  };

  const publish = (message: SimulatedMessage, payload: Buffer | string, stored: StoredReading[]): void => {
    const own = session!;
    options.record?.(message);
    stats.messages++;
    own.inflight.set(message.seq, { message, stored });
    own.client.publishAsync(readingsTopic(station.id), payload, { qos: 1 }).then(
      () => {
        if (session !== own || !own.inflight.delete(message.seq)) return;
        message.ackedAt = Date.now();
        stats.acked++;
        stats.readingsAcked += message.readings.length;
        if (message.backlog) backlogInflight--;
        options.onAck?.(message);
        refresh();
        pump();
      },
      () => {
        // Not acknowledged (connection closed under it): keep the readings for the next try.
        if (session !== own || !own.inflight.delete(message.seq)) return;
        if (message.backlog) backlogInflight--;
        backlog.unshift(stored);
        refresh();
      },
    );
  };

  /** Sends the store, oldest first, a few messages in flight at a time. */
  const pump = (): void => {
    for (;;) {
      if (!session?.client.connected || offline || backlog.size === 0 || backlogInflight >= MAX_BACKLOG_INFLIGHT) break;
      const batch = backlog.take(options.backlogBatch);
      const message: SimulatedMessage = {
        station: station.id,
        seq: seq++,
        ts: batch[batch.length - 1]!.ts,
        readings: batch.map((r) => ({ ...r })),
        backlog: true,
        sentAt: Date.now(),
      };
      const wire = {
        station: station.id,
        seq: message.seq,
        readings: batch.map((r) => ({ parameter: r.parameter, value: r.value, unit: r.unit, status: r.status, ts: toLocalIso(r.ts) })),
      };
      backlogInflight++;
      stats.backlogMessages++;
      publish(message, JSON.stringify(wire), batch);
    }
    refresh();
  };

  const toStore = (tick: Tick): StoredReading[] => tick.readings.map((r) => ({ ...r, ts: tick.ts }));

  connect();

  return {
    stats,
    firstConnect,
    get connected() {
      return session?.client.connected === true && !offline;
    },
    send(tick) {
      stats.ticks++;
      if (tick.lost) {
        stats.lost++;
        return;
      }
      // Keep measurement order: while anything waits in the store, new samples queue behind it.
      if (!session?.client.connected || offline || backlog.size > 0) {
        backlog.push(toStore(tick));
        pump();
        return;
      }
      const wire: WireMessage = {
        station: station.id,
        ts: toLocalIso(tick.ts),
        seq: seq++,
        readings: tick.readings.map((r) => ({ parameter: r.parameter, value: r.value, unit: r.unit, status: r.status })),
      };
      const message: SimulatedMessage = { station: station.id, seq: wire.seq, ts: tick.ts, readings: tick.readings, sentAt: Date.now() };
      if (tick.malformed) {
        const bad = malformedPayload(tick.malformed, wire, tick.ts);
        message.malformed = { kind: tick.malformed, code: bad.code, whole: bad.whole };
        // A defect is sent once; its good readings are not kept for a resend.
        publish(message, bad.payload, []);
        return;
      }
      publish(message, JSON.stringify(wire), toStore(tick));
    },
    store(ticks) {
      for (const t of ticks) {
        stats.ticks++;
        if (t.lost) stats.lost++;
        else backlog.push(toStore(t));
      }
      pump();
    },
    setOffline(value) {
      if (value === offline || closed) return;
      offline = value;
      if (value) {
        // Abrupt loss (no DISCONNECT), so the broker publishes the will [MQTT-3.1.2-8].
        const old = session!;
        session = undefined;
        for (const { message, stored } of old.inflight.values()) {
          if (message.backlog) backlogInflight--;
          backlog.unshift(stored);
        }
        old.inflight.clear();
        old.client.end(true);
        stats.disconnects++;
        options.log?.info({ station: station.id }, 'simulated gateway offline');
      } else {
        options.log?.info({ station: station.id, backlog: backlog.size }, 'simulated gateway back online');
        connect();
      }
      refresh();
    },
    drain() {
      if (offline) this.setOffline(false);
      pump();
      if (backlog.size === 0 && (session?.inflight.size ?? 0) === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      const own = session;
      session = undefined;
      for (const w of idleWaiters.splice(0)) w();
      if (!own) return;
      const { client } = own;
      // A clean stop says goodbye: offline status, then DISCONNECT (no will).
      if (client.connected)
        await withTimeout(
          client.publishAsync(statusTopic(station.id), JSON.stringify({ state: 'offline', ts: Date.now() }), { qos: 1, retain: true }),
          2000,
        ).catch(() => undefined);
      await withTimeout(client.endAsync(), 2000).catch(() => client.end(true));
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
