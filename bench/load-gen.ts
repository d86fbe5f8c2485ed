/**
 * The benchmark's load generator, run as a separate process (`node --import tsx bench/load-gen.ts`)
 * so it does not share the centre's event loop. It opens `connections` gateways, each serving a
 * slice of the stations, and publishes QoS 1 readings messages (8 readings each) at a stepped
 * rate. It reports over IPC: per step the messages sent and acknowledged, the readings
 * acknowledged, and publish-to-PUBACK latencies.
 *
 * Every reading's `ts` is its publish time in ms, unique per station (a per-station counter), so
 * the stored points can be counted exactly and latencies measured against the same clock.
 */
import type { CatalogueFile, Station } from '../core/index.js';
import { connectWire, type WireClient } from './mqtt-wire.js';

export interface LoadGenInit {
  url: string;
  catalogue: CatalogueFile;
  connections: number;
  /** username/password per connection index, when the broker wants them. */
  credentials?: Array<{ username: string; password: string }>;
}

export interface StepCommand {
  type: 'step';
  readingsPerSecond: number;
  durationS: number;
  /** Stations whose next message carries SO2 far over its limit, once each (publish-to-alert latency). */
  exceedStations?: string[];
}

export interface StepReport {
  type: 'step-done';
  readingsPerSecond: number;
  sentMessages: number;
  ackedMessages: number;
  ackedReadings: number;
  firstTs: number;
  lastTs: number;
  ackLatencyMs: number[];
  /** Acked readings per station, to check storage exactly. */
  ackedByStation: Record<string, number>;
  durationMs: number;
  /** CPU the generator itself used during the step (% of one core). */
  cpuPercent: number;
}

const PARAM_VALUE: Record<string, number> = { Temp: 120, P: 101, O2: 9, PM: 60, SO2: 200, NOx: 300, CO: 250 };
/** Over every stack's SO2 limit (QCVN 19 column B: 500 x Kp x Kv) yet inside the instrument's range (0-2,000), so it is an exceedance, not a sensor fault. */
const EXCEED_SO2 = 1500;
/** Typical values, all below 80 % of the limits and inside the instrument ranges; flow at half its range. */
const typical = (p: { parameter: string; rangeMax?: number }): number =>
  p.parameter === 'Flow' ? (p.rangeMax ?? 20_000) / 2 : (PARAM_VALUE[p.parameter] ?? 10);

/** A station's message, built from precomputed pieces (the generator must stay cheap). */
interface Template {
  id: string;
  /** The gateway's message counter for this station (PROTOCOL.md: seq increases by one a message). */
  seq: number;
  topic: string;
  head: string;
  /** Per parameter: the text before its value, its typical value, the text after it. */
  parts: Array<{ before: string; typical: number; after: string; so2: boolean }>;
}

function template(station: Station): Template {
  return {
    id: station.id,
    seq: 0,
    topic: `stations/${station.id}/readings`,
    head: `{"station":${JSON.stringify(station.id)},"ts":`,
    parts: station.parameters.map((p, i) => ({
      before: `${i === 0 ? '' : ','}{"parameter":${JSON.stringify(p.parameter)},"value":`,
      typical: typical(p),
      after: `,"unit":${JSON.stringify(p.unit)}}`,
      so2: p.parameter === 'SO2',
    })),
  };
}

/** Values vary a little, as real ones do (a constant value is a flatline: a sensor fault). */
function payload(t: Template, ts: number, seq: number, exceed: boolean): string {
  let s = `${t.head}${ts},"seq":${seq},"readings":[`;
  for (const p of t.parts)
    s += `${p.before}${exceed && p.so2 ? EXCEED_SO2 : Math.round(p.typical * (95 + Math.random() * 10)) / 100}${p.after}`;
  return `${s}]}`;
}

async function main(): Promise<void> {
  const init = await nextMessage<LoadGenInit>();
  const stations = init.catalogue.stations;
  const clients: WireClient[] = new Array<WireClient>(init.connections);
  const slices: Template[][] = Array.from({ length: init.connections }, () => []);
  stations.forEach((s, i) => slices[i % init.connections]!.push(template(s)));
  await Promise.all(
    slices.map(async (_slice, i) => {
      const creds = init.credentials?.[i];
      clients[i] = await connectWire(init.url, {
        clientId: creds?.username ?? `bench-${i}`,
        ...(creds ?? {}),
        keepaliveS: 60,
        onClose: () => process.stderr.write(`[load-gen] connection ${i} closed\n`),
      });
    }),
  );
  send({ type: 'ready' });
  const lastTs = new Map<string, number>();
  for (;;) {
    const cmd = await nextMessage<StepCommand | { type: 'stop' }>();
    if (cmd.type === 'stop') break;
    send(await runStep(cmd, clients, slices, lastTs));
  }
  await Promise.all(clients.map((c) => c.end()));
  process.exit(0);
}

async function runStep(cmd: StepCommand, clients: WireClient[], slices: Template[][], lastTs: Map<string, number>): Promise<StepReport> {
  const messagesPerSecond = cmd.readingsPerSecond / 8;
  const cpu0 = process.cpuUsage();
  const start = Date.now();
  const end = start + cmd.durationS * 1000;
  const ackLatencyMs: number[] = [];
  const ackedByStation: Record<string, number> = {};
  let sent = 0;
  let acked = 0;
  let ackedReadings = 0;
  let firstTs = Infinity;
  let maxTs = 0;
  const cursors = slices.map(() => 0);
  const exceedSet = new Set(cmd.exceedStations ?? []);
  let outstanding = 0;
  let allAcked: (() => void) | undefined;
  // Pace in 10 ms ticks: at each tick, send what the schedule says is due, one write per connection.
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * messagesPerSecond);
    const now = Date.now();
    while (sent < due) {
      const c = sent % clients.length;
      const slice = slices[c]!;
      const t = slice[cursors[c]! % slice.length]!;
      cursors[c]!++;
      const ts = Math.max(now, (lastTs.get(t.id) ?? 0) + 1);
      lastTs.set(t.id, ts);
      if (ts < firstTs) firstTs = ts;
      if (ts > maxTs) maxTs = ts;
      const exceed = exceedSet.size > 0 && exceedSet.delete(t.id);
      sent++;
      outstanding++;
      clients[c]!.publish(t.topic, payload(t, ts, ++t.seq, exceed), () => {
        acked++;
        ackedReadings += 8;
        ackedByStation[t.id] = (ackedByStation[t.id] ?? 0) + 8;
        ackLatencyMs.push(Date.now() - now);
        if (--outstanding === 0) allAcked?.();
      });
    }
    for (const client of clients) client.flush();
    await new Promise((r) => setTimeout(r, 10));
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / (Date.now() - start)) * 100;
  // Wait for the last acknowledgements, but not forever: what is unacknowledged then is reported as such.
  if (outstanding > 0)
    await new Promise<void>((resolve) => {
      allAcked = resolve;
      setTimeout(resolve, 120_000);
    });
  return {
    type: 'step-done',
    readingsPerSecond: cmd.readingsPerSecond,
    sentMessages: sent,
    ackedMessages: acked,
    ackedReadings,
    firstTs,
    lastTs: maxTs,
    ackLatencyMs,
    ackedByStation,
    durationMs: Date.now() - start,
    cpuPercent,
  };
}

function send(message: unknown): void {
  process.send?.(message);
}

const inbox: unknown[] = [];
const waiters: Array<(m: unknown) => void> = [];
process.on('message', (m) => {
  const w = waiters.shift();
  if (w) w(m);
  else inbox.push(m);
});
function nextMessage<T>(): Promise<T> {
  const m = inbox.shift();
  if (m !== undefined) return Promise.resolve(m as T);
  return new Promise((resolve) => waiters.push(resolve as (m: unknown) => void));
}

void main();
