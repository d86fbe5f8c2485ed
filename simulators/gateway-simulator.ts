import type { Catalogue, Logger, RejectionNotice, Station } from '../core/index.js';
import { createGateway, type Gateway, type GatewayStats, type SimulatedMessage } from './gateway.js';
import { createStationScript, type StationScript, type Tick } from './station-script.js';
import { checkScenarios, ScenarioSpecSchema, type ScenarioInput } from './scenario-schema.js';

export interface SimulatorOptions {
  /** Broker address, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  catalogue: Catalogue;
  /** Which stations: the first N of the catalogue, or these ids; stations named by scenarios are added. Default: all. */
  stations?: number | string[];
  /** Wall-clock time between two messages of one gateway, ms (default 1000)... */
  intervalMs?: number;
  /** ...or the same as messages per second per gateway (wins over intervalMs). */
  rate?: number;
  /**
   * Measurement time between two samples, ms (default: the interval, i.e. real time). A larger
   * step with `startAt` in the past compresses time: the run fast-forwards through the past until
   * it reaches the wall clock, then goes on in real time (a gateway never stamps the future).
   */
  stepMs?: number;
  /** Measurement time of the first sample, epoch ms (default: now). Scenario times count from it. */
  startAt?: number;
  /** History sent at start as a store-and-forward backlog: this many seconds before `startAt`... */
  historyS?: number;
  /** ...one sample every this many seconds (default 60). */
  historyStepS?: number;
  /** Scenarios per station and parameter (README, "Simulators"). */
  scenarios?: ScenarioInput[];
  /** Stop after this many samples per station, or after this long; default: until close(). */
  messages?: number;
  durationS?: number;
  seed?: number;
  /** Credentials per station (the auth issue provisions them). */
  credentials?: (station: Station) => { username: string; password: string } | undefined;
  /** Keep every message in `sent` and every notice in `notices` (default true; long runs: false). */
  record?: boolean;
  /** Readings per store-and-forward message (default 500) and the store's size (default 200,000 readings). */
  backlogBatch?: number;
  backlogMax?: number;
  /** Called for every acknowledged message. */
  onAck?: (message: SimulatedMessage) => void;
  /** Called for every rejection notice a gateway hears on its errors topic. */
  onNotice?: (station: string, notice: RejectionNotice) => void;
  log?: Logger;
}

export interface Simulator {
  /** Resolves when every station has sent its samples (or the duration ended) and all were acknowledged. */
  readonly done: Promise<void>;
  readonly sent: SimulatedMessage[];
  readonly notices: Array<{ station: string; notice: RejectionNotice }>;
  /** Measurement time of the run's start (scenario times count from it). */
  readonly startAt: number;
  readonly intervalMs: number;
  /** Totals over all gateways. */
  stats(): GatewayStats;
  close(): Promise<void>;
}

/** Gateways publishing per PROTOCOL.md with realistic profiles and the scenarios asked for. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const { catalogue } = options;
  const specs = (options.scenarios ?? []).map((s) => ScenarioSpecSchema.parse(s));
  checkScenarios(specs, catalogue);
  const stations = pickStations(
    catalogue,
    options.stations,
    specs.map((s) => s.station),
  );
  const intervalMs = options.rate !== undefined ? 1000 / options.rate : (options.intervalMs ?? 1000);
  const stepMs = options.stepMs ?? intervalMs;
  const startedAt = Date.now();
  const startAt = options.startAt ?? startedAt;
  const seed = options.seed ?? 1;
  const record = options.record ?? true;
  const sent: SimulatedMessage[] = [];
  const notices: Simulator['notices'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const gateways: Gateway[] = [];
  let closing = false;

  const runs = stations.map(async (station) => {
    const script = createStationScript({ catalogue, station, specs, seed, runStart: startAt });
    const gateway = createGateway({
      url: options.url,
      station,
      credentials: options.credentials?.(station),
      backlogBatch: options.backlogBatch ?? 500,
      backlogMax: options.backlogMax ?? 200_000,
      record: record ? (m) => sent.push(m) : undefined,
      onAck: options.onAck,
      onNotice: (id, notice) => {
        if (record) notices.push({ station: id, notice });
        options.onNotice?.(id, notice);
      },
      log: options.log,
    });
    gateways.push(gateway);
    if (options.historyS) gateway.store(history(script, startAt, options.historyS, options.historyStepS ?? 60));
    // Start sampling at the first CONNACK (or after 2 s without one: a logger measures regardless).
    await Promise.race([gateway.firstConnect, delay(2000, timers)]);
    if (closing) return;
    await runTicks(script, gateway);
    if (!closing) await gateway.drain();
  });

  const runTicks = (script: StationScript, gateway: Gateway): Promise<void> =>
    new Promise((resolve) => {
      const wallStart = Date.now();
      // The duration counts from the first sample, so --duration-s x --rate samples are sent whatever the connect time.
      const deadline = options.durationS === undefined ? Infinity : wallStart + options.durationS * 1000;
      let i = 0;
      let last = -Infinity;
      const next = (): void => {
        if (closing) return resolve();
        const due = wallStart + i * intervalMs;
        if ((options.messages !== undefined && i >= options.messages) || due >= deadline) return resolve();
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            if (closing) return resolve();
            // Sample times are planned, so a run is reproducible from its seed; never ahead of the wall clock.
            const ts = Math.max(last + 1, Math.min(startAt + i * stepMs, Date.now()));
            last = ts;
            const tick = script.tick(ts);
            gateway.setOffline(tick.offline);
            gateway.send(tick);
            i++;
            next();
          },
          Math.max(0, due - Date.now()),
        );
        timers.add(timer);
      };
      next();
    });

  const done = Promise.all(runs).then(() => undefined);
  return {
    done,
    sent,
    notices,
    startAt,
    intervalMs,
    stats() {
      const total: GatewayStats = {
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
      for (const g of gateways) for (const k of Object.keys(total) as Array<keyof GatewayStats>) total[k] += g.stats[k];
      return total;
    },
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(gateways.map((g) => g.close()));
    },
  };
}

function history(script: StationScript, startAt: number, historyS: number, stepS: number): Tick[] {
  const ticks: Tick[] = [];
  for (let ts = startAt - historyS * 1000; ts < startAt; ts += stepS * 1000) ticks.push(script.tick(ts, true));
  return ticks;
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

function pickStations(catalogue: Catalogue, which: number | string[] | undefined, named: string[]): Station[] {
  let ids: string[];
  if (which === undefined) ids = catalogue.stations.map((s) => s.id);
  else if (typeof which === 'number') ids = catalogue.stations.slice(0, which).map((s) => s.id);
  else ids = which;
  return [...new Set([...ids, ...named])].map((id) => {
    const s = catalogue.station(id);
    if (!s) throw new Error(`unknown station ${id}`);
    return s;
  });
}
