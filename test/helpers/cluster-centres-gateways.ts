import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { readingsTopic, type Station } from '../../core/index.js';

/**
 * Field-like gateways for the cluster acceptance test (docs/CLUSTER.md): mqtt.js through HAProxy,
 * QoS 1, persistent sessions (`clean: false`, a fixed client id), reconnecting by themselves and
 * resending what was not acknowledged. Every message carries all of a station's parameters at
 * one ms-distinct timestamp; a reading counts as acknowledged only once its PUBACK arrived.
 * Each gateway records when its connection closed and when it came back, so a test can measure
 * how long the gateways of a killed centre took to reconnect through HAProxy.
 */
export interface ClusterGateway {
  readonly station: Station;
  readonly client: MqttClient;
  /** Per message seq: its timestamp and the readings' keys (`station|parameter|00|ts`) with values. */
  readonly sent: Map<number, { ts: number; readings: Array<{ key: string; value: number }> }>;
  readonly acked: Set<number>;
  /** performance.now() of each 'close' and each 'connect'. */
  readonly closes: number[];
  readonly connects: number[];
}

export interface ClusterGatewaysOptions {
  url: string;
  stations: Station[];
  credentials: (station: Station) => { username: string; password: string };
  /** Readings a second over all gateways (paced per gateway from each station's parameter count). */
  readingsPerSecond: number;
  /** A reading's value (the default sits low in the parameter's range, below any limit). */
  value?: (station: Station, parameter: string, seq: number) => number;
}

export interface ClusterGateways {
  readonly gateways: ClusterGateway[];
  /** Keys and values of every acknowledged reading. */
  ackedReadings(): Array<{ key: string; value: number }>;
  ackedCount(): number;
  sentCount(): number;
  /** Stops publishing new messages (mqtt.js still resends the unacknowledged ones). */
  pause(): void;
  resume(): void;
  /** Waits (bounded) until every message sent so far is acknowledged. */
  allAcked(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function defaultValue(station: Station, parameter: string, seq: number): number {
  const p = station.parameters.find((x) => x.parameter === parameter)!;
  const min = p.rangeMin ?? 0;
  const max = p.rangeMax ?? min + 100;
  return round3(min + (max - min) * (0.05 + (seq % 10) / 1000));
}

export function startClusterGateways(options: ClusterGatewaysOptions): ClusterGateways {
  let paused = false;
  const value = options.value ?? defaultValue;
  const readingsPerRound = options.stations.reduce((n, s) => n + s.parameters.length, 0);
  // Every gateway sends once per round; a round's readings over the rate is the round's length.
  const intervalMs = Math.max(20, Math.round((readingsPerRound * 1000) / options.readingsPerSecond));
  const timers: NodeJS.Timeout[] = [];
  const gateways = options.stations.map((station, index): ClusterGateway => {
    const credentials = options.credentials(station);
    const client = mqtt.connect(options.url, {
      clientId: `${station.id}:gw`,
      clean: false,
      reconnectPeriod: 250,
      connectTimeout: 5000,
      keepalive: 30,
      ...credentials,
    });
    const gw: ClusterGateway = { station, client, sent: new Map(), acked: new Set(), closes: [], connects: [] };
    client.on('error', () => undefined); // refusals and resets: mqtt.js reconnects
    client.on('close', () => gw.closes.push(performance.now()));
    client.on('connect', () => gw.connects.push(performance.now()));
    let seq = 0;
    let lastTs = 0;
    const tick = (): void => {
      if (paused) return;
      const s = seq++;
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      const readings = station.parameters.map((p) => ({ parameter: p.parameter, value: value(station, p.parameter, s), unit: p.unit }));
      gw.sent.set(s, { ts, readings: readings.map((r) => ({ key: `${station.id}|${r.parameter}|00|${ts}`, value: r.value })) });
      const payload = JSON.stringify({ station: station.id, ts, seq: s, readings: readings.map((r) => ({ ...r, status: '00' })) });
      client.publishAsync(readingsTopic(station.id), payload, { qos: 1 }).then(
        () => gw.acked.add(s),
        () => undefined,
      );
    };
    // Spread the gateways over the round so the load is steady, not a burst per round.
    const start = setTimeout(() => (timers[index] = setInterval(tick, intervalMs)), (index * intervalMs) / options.stations.length);
    timers[index] = start;
    return gw;
  });
  const ackedCount = (): number => gateways.reduce((n, g) => n + g.acked.size, 0);
  const sentCount = (): number => gateways.reduce((n, g) => n + g.sent.size, 0);
  return {
    gateways,
    ackedReadings: () => gateways.flatMap((g) => [...g.acked].flatMap((s) => g.sent.get(s)!.readings)),
    ackedCount,
    sentCount,
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    async allAcked(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (ackedCount() < sentCount()) {
        if (performance.now() > deadline) {
          const behind = gateways.filter((g) => g.acked.size < g.sent.size).map((g) => `${g.station.id} ${g.acked.size}/${g.sent.size}`);
          throw new Error(`not all acknowledged within ${timeoutMs} ms: ${behind.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      paused = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(gateways.map((g) => g.client.endAsync(true).catch(() => undefined)));
    },
  };
}
