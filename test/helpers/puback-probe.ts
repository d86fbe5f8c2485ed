import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { readingsTopic } from '../../core/index.js';

/**
 * A well-behaved gateway that keeps publishing QoS 1 readings messages at a steady pace and
 * times each PUBACK (docs/PROTOCOL.md, "Acceptance and rejection": a PUBACK means durable).
 * Each message carries one reading with a timestamp of its own, so the test can check at the
 * end that every acknowledged reading is in InfluxDB. Messages are labelled with the phase
 * current when they were sent, so a burst's latencies are read apart from the quiet ones.
 */
export interface PubackProbe {
  readonly client: MqttClient;
  /** Labels the messages sent from now on. */
  phase(name: string): void;
  /** PUBACK latencies (ms) of the messages sent in a phase; a message never acknowledged counts as Infinity. */
  latencies(phase: string): number[];
  /** Reading timestamps (epoch ms) of every acknowledged message. */
  acked(): number[];
  sent(): number;
  /** Resolves once no message of this phase waits for its PUBACK, or after `timeoutMs` (those left count as Infinity). */
  settle(phase: string, timeoutMs?: number): Promise<void>;
  /** Stops publishing and waits (at most `timeoutMs`) for the PUBACKs still due. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface PubackProbeOptions {
  url: string;
  username: string;
  password: string;
  station: string;
  parameter: string;
  unit: string;
  everyMs?: number;
  /** Upper bound on messages, whatever happens (bounded loops). */
  maxMessages?: number;
}

export async function startPubackProbe(o: PubackProbeOptions): Promise<PubackProbe> {
  const client = mqtt.connect(o.url, {
    username: o.username,
    password: o.password,
    clientId: `${o.username}:probe`,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  client.on('error', () => undefined);
  const topic = readingsTopic(o.station);
  // Timestamps ten minutes back, one millisecond apart: unique points, well inside the accepted window.
  const base = Date.now() - 10 * 60_000;
  const pending = new Map<number, { phase: string; at: number }>();
  const done = new Map<string, number[]>();
  const ackedTs: number[] = [];
  let current = 'start';
  let seq = 0;
  const max = o.maxMessages ?? 5_000;
  const settled: Array<Promise<void>> = [];

  const send = (): void => {
    if (seq >= max) return;
    const ts = base + seq;
    const payload = JSON.stringify({
      station: o.station,
      ts,
      seq,
      readings: [{ parameter: o.parameter, value: 40 + (seq % 7), unit: o.unit, status: '00' }],
    });
    const entry = { phase: current, at: performance.now() };
    pending.set(ts, entry);
    seq++;
    settled.push(
      client.publishAsync(topic, payload, { qos: 1 }).then(
        () => {
          pending.delete(ts);
          ackedTs.push(ts);
          const list = done.get(entry.phase) ?? [];
          list.push(performance.now() - entry.at);
          done.set(entry.phase, list);
        },
        () => undefined,
      ),
    );
  };
  const timer = setInterval(send, o.everyMs ?? 50);

  return {
    client,
    phase(name) {
      current = name;
    },
    latencies(phase) {
      const out = [...(done.get(phase) ?? [])];
      for (const p of pending.values()) if (p.phase === phase) out.push(Infinity);
      return out;
    },
    acked: () => [...ackedTs],
    sent: () => seq,
    async settle(phase, timeoutMs = 10_000) {
      const waiting = (): boolean => [...pending.values()].some((p) => p.phase === phase);
      const until = performance.now() + timeoutMs;
      while (waiting() && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    },
    async stop(timeoutMs = 30_000) {
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(settled), new Promise((r) => (timeout = setTimeout(r, timeoutMs)))]);
      clearTimeout(timeout);
      await client.endAsync(true);
    },
  };
}

/** The p-th percentile (0-100) of a list, nearest rank; Infinity counts as the largest. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
