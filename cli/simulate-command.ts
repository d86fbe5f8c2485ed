import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, loadCatalogue, loadConfig, QuantracError, type Logger, type Station } from '../core/index.js';
import {
  loadScenarioFile,
  parseScenarioArg,
  scenarioFileOptions,
  scenarioLabel,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../simulators/index.js';
import { envWith, untilSignal } from './process.js';

const SIMULATE_OPTIONS = {
  url: { type: 'string' },
  stations: { type: 'string' },
  rate: { type: 'string' },
  'interval-ms': { type: 'string' },
  'duration-s': { type: 'string' },
  messages: { type: 'string' },
  seed: { type: 'string' },
  catalogue: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  'scenario-file': { type: 'string' },
  'history-s': { type: 'string' },
  username: { type: 'string' },
  credentials: { type: 'string' },
} as const;

type SimulateFlags = ReturnType<typeof parseArgs<{ args: string[]; options: typeof SIMULATE_OPTIONS }>>['values'];

/** `quantrac simulate`: gateways against a running centre, until done or Ctrl-C. */
export async function simulate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: SIMULATE_OPTIONS });
  const config = loadConfig(envWith({ CATALOGUE: values.catalogue }));
  const log = createLogger({ level: config.LOG_LEVEL });
  const catalogue = await loadCatalogue(resolve(config.CATALOGUE));
  const url = values.url ?? `mqtt://127.0.0.1:${config.MQTT_PORT}`;
  const options: SimulatorOptions = { url, catalogue, ...(await simulationFlags(values, catalogue)), record: false, log };
  const sim = startSimulator(options);
  process.stdout.write(`simulating gateways against ${url} at ${options.rate} messages/s each; Ctrl-C to stop\n`);
  for (const s of options.scenarios ?? [])
    process.stdout.write(`  scenario ${scenarioLabel(s)} from ${s.atS} s${s.forS === undefined ? '' : ` for ${s.forS} s`}\n`);
  await runToEnd(sim, options.durationS !== undefined || values.messages !== undefined, log);
  const st = sim.stats();
  process.stdout.write(
    `sent ${st.messages} messages, ${st.acked} acknowledged, ${st.readingsAcked} readings; ${st.backlogMessages} store-and-forward messages, ${st.lost} samples lost (dropout), ${st.notices} rejection notices, ${st.backlog} readings still stored\n`,
  );
  return 0;
}

/** A run with an end stops there or at Ctrl-C; one without runs until Ctrl-C. */
async function runToEnd(sim: Simulator, finished: boolean, log: Logger): Promise<void> {
  if (finished) {
    await Promise.race([sim.done, untilSignal(log, async () => undefined)]);
    await sim.close();
  } else {
    await untilSignal(log, () => sim.close());
  }
}

/** The run's settings: flags win over the scenario file, which wins over the defaults; --scenario adds to the file's. */
async function simulationFlags(
  values: SimulateFlags,
  catalogue: SimulatorOptions['catalogue'],
): Promise<Omit<SimulatorOptions, 'url' | 'catalogue'> & { rate: number }> {
  const file = scenarioFileOptions(
    values['scenario-file'] === undefined ? undefined : await loadScenarioFile(resolve(values['scenario-file']), catalogue),
  );
  const scenarios = [...file.scenarios, ...(values.scenario ?? []).map(parseScenarioArg)];
  const stations =
    values.stations === undefined
      ? file.stations
      : /^\d+$/.test(values.stations)
        ? positiveInt(values.stations, '--stations')
        : values.stations
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
  const rate =
    values.rate !== undefined
      ? positiveNumber(values.rate, '--rate')
      : values['interval-ms'] !== undefined
        ? 1000 / positiveNumber(values['interval-ms'], '--interval-ms')
        : (file.rate ?? 1);
  return {
    stations,
    rate,
    durationS: values['duration-s'] === undefined ? file.durationS : positiveNumber(values['duration-s'], '--duration-s'),
    messages: values.messages === undefined ? undefined : positiveInt(values.messages, '--messages'),
    seed: values.seed === undefined ? (file.seed ?? 1) : positiveInt(values.seed, '--seed'),
    historyS: values['history-s'] === undefined ? file.historyS : positiveNumber(values['history-s'], '--history-s'),
    historyStepS: file.historyStepS,
    scenarios,
    credentials: await simulatorCredentials(values.username, values.credentials),
  };
}

/**
 * Gateway logins for `simulate`: --username NAME with the secret in QUANTRAC_GATEWAY_SECRET (one
 * gateway account listing the stations; the secret stays off the command line), or --credentials
 * FILE, a JSON object of station id to secret or to {"username","password"}. Default: the station id, no password.
 */
async function simulatorCredentials(
  username: string | undefined,
  file: string | undefined,
): Promise<((s: Station) => { username: string; password: string } | undefined) | undefined> {
  if (username !== undefined) {
    const password = process.env.QUANTRAC_GATEWAY_SECRET;
    if (!password)
      throw new QuantracError('ERR_USAGE', '--username needs the gateway secret in the environment variable QUANTRAC_GATEWAY_SECRET');
    return () => ({ username, password });
  }
  if (file === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(resolve(file), 'utf8'));
  } catch (err) {
    throw new QuantracError('ERR_USAGE', `--credentials ${file}: ${(err as Error).message}`);
  }
  const map = (raw ?? {}) as Record<string, string | { username: string; password: string }>;
  return (s) => {
    const v = map[s.id];
    return typeof v === 'string' ? { username: s.id, password: v } : v;
  };
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new QuantracError('ERR_USAGE', `${flag} takes a positive number, got "${text}"`);
  return n;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new QuantracError('ERR_USAGE', `${flag} takes a positive whole number, got "${text}"`);
  return n;
}
