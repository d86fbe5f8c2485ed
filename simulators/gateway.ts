import type { MqttClient } from 'mqtt';
import { readingsTopic, statusTopic, type Station } from '../core/index.js';
import { localIso, systemScheduler, type SchedulerLike } from '../platform/index.js';
import { createBacklog, type Backlog, type StoredReading } from './backlog.js';
import { openConnection } from './gateway-connection.js';
import { emptyStats, type Gateway, type GatewayOptions, type GatewayStats, type SimulatedMessage } from './gateway-types.js';
import { malformedPayload, type WireMessage } from './malformed-payload.js';
import type { Tick } from './station-script.js';

interface Session {
  client: MqttClient;
  inflight: Map<number, { message: SimulatedMessage; stored: StoredReading[] }>;
}

const MAX_BACKLOG_INFLIGHT = 4;

/** RFC 3339 at the station's offset (docs/PROTOCOL.md, "Readings message"), with milliseconds: samples under a second apart stay distinct. */
const wireTime = (ms: number): string => localIso(ms, { millis: true });

const toStore = (tick: Tick): StoredReading[] => tick.readings.map((r) => ({ ...r, ts: tick.ts }));

/** One station's gateway per PROTOCOL.md: QoS 1, retained online status, offline as the will, store-and-forward. */
export function createGateway(options: GatewayOptions): Gateway {
  return new SimulatedGateway(options);
}

/**
 * The gateway's state: its connection (replaced when the offline scenario drops it), the
 * messages in flight on it, and the store (`Backlog`) that holds what could not go out, sent
 * oldest first, a few messages at a time, whenever the connection is up.
 */
class SimulatedGateway implements Gateway {
  readonly stats: GatewayStats = emptyStats();
  readonly firstConnect: Promise<void>;
  private readonly station: Station;
  private readonly backlog: Backlog;
  private readonly scheduler: SchedulerLike;
  private session: Session | undefined;
  private offline = false;
  private closed = false;
  private seq = 0;
  private backlogInflight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private resolveFirst!: () => void;

  constructor(private readonly options: GatewayOptions) {
    this.station = options.station;
    this.backlog = createBacklog(options.backlogMax);
    this.scheduler = options.scheduler ?? systemScheduler;
    this.firstConnect = new Promise<void>((r) => {
      this.resolveFirst = r;
    });
    this.connect();
  }

  get connected(): boolean {
    return this.session?.client.connected === true && !this.offline;
  }

  send(tick: Tick): void {
    this.stats.ticks++;
    if (tick.lost) {
      this.stats.lost++;
      return;
    }
    // Keep measurement order: while anything waits in the store, new samples queue behind it.
    if (!this.session?.client.connected || this.offline || this.backlog.size > 0) {
      this.backlog.push(toStore(tick));
      this.pump();
      return;
    }
    const { station } = this;
    const wire: WireMessage = {
      station: station.id,
      ts: wireTime(tick.ts),
      seq: this.seq++,
      readings: tick.readings.map((r) => ({ parameter: r.parameter, value: r.value, unit: r.unit, status: r.status })),
    };
    const sentAt = this.scheduler.now();
    const message: SimulatedMessage = { station: station.id, seq: wire.seq, ts: tick.ts, readings: tick.readings, sentAt };
    if (tick.malformed) {
      const bad = malformedPayload(tick.malformed, wire, tick.ts, sentAt);
      message.malformed = { kind: tick.malformed, code: bad.code, whole: bad.whole };
      // A defect is sent once; its good readings are not kept for a resend.
      this.publish(message, bad.payload, []);
      return;
    }
    this.publish(message, JSON.stringify(wire), toStore(tick));
  }

  store(ticks: readonly Tick[]): void {
    for (const t of ticks) {
      this.stats.ticks++;
      if (t.lost) this.stats.lost++;
      else this.backlog.push(toStore(t));
    }
    this.pump();
  }

  setOffline(value: boolean): void {
    if (value === this.offline || this.closed) return;
    this.offline = value;
    const log = this.options.log;
    if (value) {
      // Abrupt loss (no DISCONNECT), so the broker publishes the will [MQTT-3.1.2-8].
      const old = this.session!;
      this.session = undefined;
      for (const { message, stored } of old.inflight.values()) {
        if (message.backlog) this.backlogInflight--;
        this.backlog.unshift(stored);
      }
      old.inflight.clear();
      old.client.end(true);
      this.stats.disconnects++;
      log?.info({ station: this.station.id }, 'simulated gateway offline');
    } else {
      log?.info({ station: this.station.id, backlog: this.backlog.size }, 'simulated gateway back online');
      this.connect();
    }
    this.refresh();
  }

  drain(): Promise<void> {
    if (this.offline) this.setOffline(false);
    this.pump();
    if (this.backlog.size === 0 && (this.session?.inflight.size ?? 0) === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    const own = this.session;
    this.session = undefined;
    for (const w of this.idleWaiters.splice(0)) w();
    if (!own) return;
    const { client } = own;
    // A clean stop says goodbye: offline status, then DISCONNECT (no will).
    const offline = JSON.stringify({ state: 'offline', ts: this.scheduler.now() });
    if (client.connected)
      await withTimeout(client.publishAsync(statusTopic(this.station.id), offline, { qos: 1, retain: true }), 2000, this.scheduler).catch(
        () => undefined,
      );
    await withTimeout(client.endAsync(), 2000, this.scheduler).catch(() => client.end(true));
  }

  private connect(): void {
    const own: Session = { client: undefined as unknown as MqttClient, inflight: new Map() };
    own.client = openConnection({
      ...this.options,
      clock: this.scheduler,
      isCurrent: () => this.session === own,
      onConnect: () => {
        this.resolveFirst();
        this.pump();
      },
      onClose: () => {
        if (this.session === own) this.stats.disconnects++;
      },
      onNotice: (notice) => {
        this.stats.notices++;
        this.options.onNotice?.(this.station.id, notice);
      },
    });
    this.session = own;
  }

  private refresh(): void {
    this.stats.backlog = this.backlog.size;
    this.stats.overflowed = this.backlog.overflowed;
    if (this.backlog.size === 0 && (this.session?.inflight.size ?? 0) === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private publish(message: SimulatedMessage, payload: Buffer | string, stored: StoredReading[]): void {
    const own = this.session!;
    this.options.record?.(message);
    this.stats.messages++;
    own.inflight.set(message.seq, { message, stored });
    own.client.publishAsync(readingsTopic(this.station.id), payload, { qos: 1 }).then(
      () => {
        if (this.session !== own || !own.inflight.delete(message.seq)) return;
        message.ackedAt = this.scheduler.now();
        this.stats.acked++;
        this.stats.readingsAcked += message.readings.length;
        if (message.backlog) this.backlogInflight--;
        this.options.onAck?.(message);
        this.refresh();
        this.pump();
      },
      () => {
        // Not acknowledged (connection closed under it): keep the readings for the next try.
        if (this.session !== own || !own.inflight.delete(message.seq)) return;
        if (message.backlog) this.backlogInflight--;
        this.backlog.unshift(stored);
        this.refresh();
      },
    );
  }

  /** Sends the store, oldest first, a few messages in flight at a time. */
  private pump(): void {
    const { station, backlog } = this;
    while (this.session?.client.connected && !this.offline && backlog.size > 0 && this.backlogInflight < MAX_BACKLOG_INFLIGHT) {
      const batch = backlog.take(this.options.backlogBatch);
      const message: SimulatedMessage = {
        station: station.id,
        seq: this.seq++,
        ts: batch[batch.length - 1]!.ts,
        readings: batch.map((r) => ({ ...r })),
        backlog: true,
        sentAt: this.scheduler.now(),
      };
      const readings = batch.map((r) => ({ parameter: r.parameter, value: r.value, unit: r.unit, status: r.status, ts: wireTime(r.ts) }));
      this.backlogInflight++;
      this.stats.backlogMessages++;
      this.publish(message, JSON.stringify({ station: station.id, seq: message.seq, readings }), batch);
    }
    this.refresh();
  }
}

/** Rejects after `ms` on `scheduler` unless `p` settles first; the timer goes with it. */
function withTimeout<T>(p: Promise<T>, ms: number, scheduler: SchedulerLike): Promise<T> {
  let timer: { unsubscribe(): void } | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = scheduler.schedule(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => timer?.unsubscribe());
}
