import mqtt, { type MqttClient } from 'mqtt';
import { readingsTopic, type Station } from '../../core/index.js';
import type { InfluxClient } from '../../ingest/index.js';
import { storedReadings } from './influx-query.js';

/** One reading a test gateway published, keyed like a stored point (station|parameter|status|ts). */
export interface PublishedReading {
  key: string;
  value: number;
}

export interface TestGateway {
  readonly station: Station;
  readonly client: MqttClient;
  /** Messages handed to mqtt.js, and those acknowledged (PUBACK), by seq. */
  readonly sent: Map<number, PublishedReading[]>;
  readonly acked: Set<number>;
}

export interface TestGateways {
  readonly gateways: TestGateway[];
  /** Every reading of every acknowledged message. */
  ackedReadings(): PublishedReading[];
  ackedCount(): number;
  sentCount(): number;
  /** Stops publishing new messages (unacknowledged ones are still resent by mqtt.js). */
  stop(): void;
  /** Waits until every message sent so far is acknowledged. */
  allAcked(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface TestGatewaysOptions {
  url: string;
  stations: Station[];
  credentials?: (station: Station) => { username: string; password: string };
  intervalMs: number;
  /** mqtt.js options: gateways in the field keep their session and resend (clean: false, QoS 1). */
  clean?: boolean;
  reconnectPeriodMs?: number;
}

/**
 * Gateways like the field's: mqtt.js, QoS 1, `clean: false`, a fixed client id, reconnecting and
 * resending unacknowledged messages; every message carries a seq, one ms-distinct timestamp and
 * a distinct value per reading, so a stored point can be matched to what was sent.
 */
export function startTestGateways(options: TestGatewaysOptions): TestGateways {
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const gateways: TestGateway[] = options.stations.map((station, index) => {
    const credentials = options.credentials ? options.credentials(station) : { username: station.id };
    const client = mqtt.connect(options.url, {
      // The broker accepts only client ids that start with the account id (PROTOCOL.md, "Identity").
      clientId: credentials.username === station.id ? `${station.id}:gw` : `${credentials.username}:gw:${station.id}`,
      clean: options.clean ?? false,
      reconnectPeriod: options.reconnectPeriodMs ?? 250,
      connectTimeout: 5000,
      keepalive: 30,
      ...credentials,
    });
    client.on('error', () => undefined); // refused connections while the centre is down: mqtt.js reconnects
    const gw: TestGateway = { station, client, sent: new Map(), acked: new Set() };
    let seq = 0;
    let lastTs = 0;
    const tick = (): void => {
      if (stopped) return;
      const s = seq++;
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      const readings = station.parameters.map((p, i) => ({
        parameter: p.parameter,
        value: Math.round((s + i / 10 + index / 1000) * 1000) / 1000,
        unit: p.unit,
        status: '00' as const,
      }));
      gw.sent.set(
        s,
        readings.map((r) => ({ key: `${station.id}|${r.parameter}|00|${ts}`, value: r.value })),
      );
      const payload = JSON.stringify({ station: station.id, ts, seq: s, readings });
      client.publishAsync(readingsTopic(station.id), payload, { qos: 1 }).then(
        () => gw.acked.add(s),
        () => undefined,
      );
      timers[index] = setTimeout(tick, options.intervalMs);
    };
    client.once('connect', tick);
    return gw;
  });

  return {
    gateways,
    ackedReadings: () => gateways.flatMap((g) => [...g.acked].flatMap((s) => g.sent.get(s)!)),
    ackedCount: () => gateways.reduce((n, g) => n + g.acked.size, 0),
    sentCount: () => gateways.reduce((n, g) => n + g.sent.size, 0),
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
    async allAcked(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (gateways.some((g) => g.acked.size < g.sent.size)) {
        if (Date.now() > deadline)
          throw new Error(`not all acknowledged: ${gateways.map((g) => `${g.station.id} ${g.acked.size}/${g.sent.size}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      this.stop();
      await Promise.all(gateways.map((g) => g.client.endAsync(true).catch(() => undefined)));
    },
  };
}

/**
 * Checks that every acknowledged reading is stored exactly once with its value: the database
 * holds exactly `expected.length` points (no duplicate, no stray) and each one matches.
 */
export async function expectStoredExactlyOnce(
  influx: InfluxClient,
  expected: PublishedReading[],
): Promise<{ stored: number; missing: string[]; wrong: string[]; extra: number }> {
  const stored = await storedReadings(influx);
  const byKey = new Map<string, number[]>();
  for (const p of stored) {
    const k = `${p.station}|${p.parameter}|${p.status}|${p.time}`;
    byKey.set(k, [...(byKey.get(k) ?? []), p.value]);
  }
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const e of expected) {
    const got = byKey.get(e.key);
    if (!got) missing.push(e.key);
    else if (got.length !== 1 || got[0] !== e.value) wrong.push(`${e.key}: ${got.join(',')} != ${e.value}`);
  }
  return { stored: stored.length, missing, wrong, extra: stored.length - expected.length };
}
