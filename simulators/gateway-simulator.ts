import mqtt, { type MqttClient } from 'mqtt';
import { readingsTopic, statusTopic, type Catalogue, type Logger, type Station } from '../core/index.js';
import { createPrng } from './prng.js';
import { toLocalIso } from './local-time.js';
import { typicalValue } from './profile.js';

export interface SimulatedReading {
  parameter: string;
  value: number;
  unit: string;
  status: '00' | '01' | '02';
}

export interface SimulatedMessage {
  station: string;
  seq: number;
  /** Measurement time, epoch ms. */
  ts: number;
  readings: SimulatedReading[];
  /** When the publish was handed to the client and when it was acknowledged (PUBACK). */
  sentAt: number;
  ackedAt?: number;
}

export interface SimulatorOptions {
  /** Broker address, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  catalogue: Catalogue;
  /** Which stations: the first N of the catalogue, or these ids. Default: all. */
  stations?: number | string[];
  intervalMs: number;
  /** Stop after this many messages per station, or after this long; default: until close(). */
  messages?: number;
  durationS?: number;
  seed?: number;
  /** Credentials per station (the auth issue provisions them). */
  credentials?: (station: Station) => { username: string; password: string } | undefined;
  /** Called for every acknowledged message. */
  onAck?: (message: SimulatedMessage) => void;
  log?: Logger;
}

export interface Simulator {
  /** Resolves when every station has sent its messages (or the duration ended) and all were acknowledged. */
  readonly done: Promise<void>;
  readonly sent: SimulatedMessage[];
  close(): Promise<void>;
}

/** Gateways publishing per PROTOCOL.md: QoS 1, retained online status, offline as the will. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const stations = pickStations(options.catalogue, options.stations);
  const sent: SimulatedMessage[] = [];
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const deadline = options.durationS === undefined ? Infinity : Date.now() + options.durationS * 1000;
  let closing = false;

  const runs = stations.map((station, index) => new Promise<void>((resolve, reject) => {
    const random = createPrng((options.seed ?? 1) * 7919 + index);
    const creds = options.credentials?.(station);
    const client = mqtt.connect(options.url, {
      clientId: `sim-${station.id}`,
      ...(creds ?? { username: station.id }),
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      will: { topic: statusTopic(station.id), payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    });
    clients.push(client);
    let seq = 0;
    let lastTs = 0;
    const pending = new Set<Promise<unknown>>();
    client.on('error', (err) => options.log?.warn({ err: err.message, station: station.id }, 'simulator client error'));
    client.once('connect', () => {
      void client.publishAsync(statusTopic(station.id), JSON.stringify({ state: 'online', ts: Date.now() }), { qos: 1, retain: true }).catch(() => undefined);
      const tick = (): void => {
        if (closing) return resolve();
        const finished = (options.messages !== undefined && seq >= options.messages) || Date.now() >= deadline;
        if (finished) {
          Promise.all(pending).then(() => resolve(), reject);
          return;
        }
        const ts = Math.max(Date.now(), lastTs + 1);
        lastTs = ts;
        const message: SimulatedMessage = {
          station: station.id,
          seq: seq++,
          ts,
          readings: station.parameters.map((p) => ({ parameter: p.parameter, value: typicalValue(options.catalogue, station, p.parameter, random, new Date(ts)), unit: p.unit, status: '00' })),
          sentAt: Date.now(),
        };
        sent.push(message);
        const payload = JSON.stringify({ station: station.id, ts: toLocalIso(ts), seq: message.seq, readings: message.readings });
        const p = client.publishAsync(readingsTopic(station.id), payload, { qos: 1 }).then(() => {
          message.ackedAt = Date.now();
          options.onAck?.(message);
        });
        pending.add(p);
        p.finally(() => pending.delete(p)).catch(() => undefined);
        timers[index] = setTimeout(tick, options.intervalMs);
      };
      tick();
    });
  }));

  const done = Promise.all(runs).then(() => undefined);
  return {
    done,
    sent,
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(clients.map(async (c) => {
        // A clean stop says goodbye: offline status, then DISCONNECT (no will).
        if (c.connected) await c.publishAsync(statusTopic(String(c.options.clientId).slice(4)), JSON.stringify({ state: 'offline', ts: Date.now() }), { qos: 1, retain: true }).catch(() => undefined);
        await c.endAsync().catch(() => undefined);
      }));
    },
  };
}

function pickStations(catalogue: Catalogue, which: number | string[] | undefined): Station[] {
  if (which === undefined) return catalogue.stations;
  if (typeof which === 'number') return catalogue.stations.slice(0, which);
  return which.map((id) => {
    const s = catalogue.station(id);
    if (!s) throw new Error(`unknown station ${id}`);
    return s;
  });
}
