import type { Catalogue, Logger, RejectionNotice, Station } from '../core/index.js';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';
import { createGateway } from './gateway.js';
import { emptyStats, type Gateway, type GatewayOptions, type GatewayStats, type SimulatedMessage } from './gateway-types.js';
import { createPendingTimers, type PendingTimers } from './pending-timers.js';
import { paceSamples } from './sample-pacer.js';
import { checkScenarios, ScenarioSpecSchema, type ScenarioInput, type ScenarioSpec } from './scenario-schema.js';
import { createStationScript, type StationScript, type Tick } from './station-script.js';

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
  /** Scenarios per station and parameter (docs/SIMULATORS.md). */
  scenarios?: ScenarioInput[];
  /** Stop after this many samples per station, or after this long; default: until close(). */
  messages?: number;
  durationS?: number;
  seed?: number;
  /** Credentials per station (the broker provisions them in demo mode). */
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
  /** Paces the samples and stamps the messages (default systemScheduler; a virtual one in tests). */
  scheduler?: SchedulerLike;
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

/** What a run needs to know before it starts, from the options and their defaults. */
interface RunPlan {
  specs: ScenarioSpec[];
  stations: Station[];
  intervalMs: number;
  stepMs: number;
  startAt: number;
  seed: number;
  record: boolean;
}

function planRun(options: SimulatorOptions, now: number): RunPlan {
  const specs = (options.scenarios ?? []).map((s) => ScenarioSpecSchema.parse(s));
  checkScenarios(specs, options.catalogue);
  const stations = pickStations(
    options.catalogue,
    options.stations,
    specs.map((s) => s.station),
  );
  const intervalMs = options.rate !== undefined ? 1000 / options.rate : (options.intervalMs ?? 1000);
  return {
    specs,
    stations,
    intervalMs,
    stepMs: options.stepMs ?? intervalMs,
    startAt: options.startAt ?? now,
    seed: options.seed ?? 1,
    record: options.record ?? true,
  };
}

/** Gateways publishing per PROTOCOL.md with realistic profiles and the scenarios asked for. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const scheduler = options.scheduler ?? systemScheduler;
  const plan = planRun(options, scheduler.now());
  const timers = createPendingTimers(scheduler);
  const sent: SimulatedMessage[] = [];
  const notices: Simulator['notices'] = [];
  const gateways: Gateway[] = [];
  let closing = false;
  const run: StationRun = { options, plan, scheduler, timers, closing: () => closing };

  const runs = plan.stations.map(async (station) => {
    const gateway = createGateway({
      ...gatewayOptions(options, station, scheduler),
      record: plan.record ? (m) => sent.push(m) : undefined,
      onNotice: (id, notice) => {
        if (plan.record) notices.push({ station: id, notice });
        options.onNotice?.(id, notice);
      },
    });
    gateways.push(gateway);
    await runStation(run, station, gateway);
  });

  return {
    done: Promise.all(runs).then(() => undefined),
    sent,
    notices,
    startAt: plan.startAt,
    intervalMs: plan.intervalMs,
    stats() {
      const total = emptyStats();
      for (const g of gateways) for (const k of Object.keys(total) as Array<keyof GatewayStats>) total[k] += g.stats[k];
      return total;
    },
    async close() {
      closing = true;
      timers.clear();
      await Promise.all(gateways.map((g) => g.close()));
    },
  };
}

function gatewayOptions(options: SimulatorOptions, station: Station, scheduler: SchedulerLike): GatewayOptions {
  return {
    url: options.url,
    station,
    credentials: options.credentials?.(station),
    backlogBatch: options.backlogBatch ?? 500,
    backlogMax: options.backlogMax ?? 200_000,
    onAck: options.onAck,
    log: options.log,
    scheduler,
  };
}

/** What every station's run shares. */
interface StationRun {
  options: SimulatorOptions;
  plan: RunPlan;
  scheduler: SchedulerLike;
  timers: PendingTimers;
  closing(): boolean;
}

/** One station: its history as a backlog, then its samples in real time, then the store drained. */
async function runStation({ options, plan, scheduler, timers, closing }: StationRun, station: Station, gateway: Gateway): Promise<void> {
  const { catalogue } = options;
  const script = createStationScript({ catalogue, station, specs: plan.specs, seed: plan.seed, runStart: plan.startAt });
  if (options.historyS) gateway.store(history(script, plan.startAt, options.historyS, options.historyStepS ?? 60));
  // Start sampling at the first CONNACK (or after 2 s without one: a logger measures regardless).
  await Promise.race([gateway.firstConnect, timers.delay(2000)]);
  if (closing()) return;
  const { intervalMs, stepMs, startAt } = plan;
  await paceSamples({
    script,
    gateway,
    timers,
    clock: scheduler,
    intervalMs,
    stepMs,
    startAt,
    messages: options.messages,
    durationS: options.durationS,
    closing,
  });
  if (!closing()) await gateway.drain();
}

function history(script: StationScript, startAt: number, historyS: number, stepS: number): Tick[] {
  const ticks: Tick[] = [];
  for (let ts = startAt - historyS * 1000; ts < startAt; ts += stepS * 1000) ticks.push(script.tick(ts, true));
  return ticks;
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
