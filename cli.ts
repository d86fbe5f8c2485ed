import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { createLogger, loadCatalogue, loadConfig, QuantracError, type Logger, type Station } from './core/index.js';
import { startCentre, ROOT, WEB_DIST } from './main.js';
import { loadScenarioFile, parseScenarioArg, scenarioFileOptions, scenarioLabel, startSimulator } from './simulators/index.js';
import { createCredentialStore, credentialsFileIn, GATEWAY_USAGE, runGatewayCommand } from './broker/index.js';
import { createUserStore, runUserCommand, USER_USAGE } from './dashboard/index.js';
import { DEADLETTERS_USAGE, runDeadLettersCommand } from './ingest/index.js';

const USAGE = `Usage:
  quantrac start [--demo] [--mqtt-port N] [--http-port N] [--data-dir DIR] [--catalogue FILE]
  quantrac simulate [--url mqtt://host:port] [--stations N|ID,...] [--catalogue FILE] [--rate MSG_PER_S] [--duration-s N] [--messages N] [--seed N]
                    [--scenario NAME:STATION[:PARAMETER][:key=value,...]]... [--scenario-file FILE] [--history-s N]
                    [--username GATEWAY (secret in QUANTRAC_GATEWAY_SECRET) | --credentials FILE]
${GATEWAY_USAGE}   (credentials in DATA_DIR; also --data-dir DIR, --catalogue FILE)
${USER_USAGE}   (dashboard accounts in DATA_DIR/users.json; also --data-dir DIR)
${DEADLETTERS_USAGE}

Configuration comes from the environment (see README, "Configuration"); flags override it.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'simulate':
      return simulate(rest);
    case 'gateway':
      return gateway(rest);
    case 'user':
      return user(rest);
    case 'deadletters':
      return deadletters(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`quantrac: unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

/** `quantrac deadletters`: lists the dead-letter store (ingest/dead-letters-command.ts). */
async function deadletters(args: string[]): Promise<number> {
  const dataDir = parseArgs({ args, strict: false, options: { 'data-dir': { type: 'string' } } }).values['data-dir'];
  const config = loadConfig(envWith({ DATA_DIR: typeof dataDir === 'string' ? dataDir : undefined }));
  const out = (text: string): Promise<void> | undefined =>
    process.stdout.write(text) ? undefined : new Promise((r) => process.stdout.once('drain', () => r()));
  const code = await runDeadLettersCommand(args, { dataDir: resolve(config.DATA_DIR), out });
  // main() exits the process next: let a piped listing reach its reader first.
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  return code;
}

/** A URL as it may be printed: a `user:password@` in INFLUX_URL is a secret (STYLE.md, "Security"). */
function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Flags override the environment by being merged into it before the one config parse. */
function envWith(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  return env;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      demo: { type: 'boolean', default: false },
      'mqtt-port': { type: 'string' },
      'http-port': { type: 'string' },
      'data-dir': { type: 'string' },
      catalogue: { type: 'string' },
    },
  });
  const config = loadConfig(
    envWith({ MQTT_PORT: values['mqtt-port'], HTTP_PORT: values['http-port'], DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }),
  );
  const log = createLogger({ level: config.LOG_LEVEL });
  ensureWebBuild(log);
  const centre = await startCentre({ config, log, demo: values.demo });
  process.stdout.write(
    [
      '',
      'quantrac is running',
      `  dashboard  ${centre.dashboardUrl}`,
      `  MQTT       ${centre.mqttUrl}`,
      centre.broker.tlsPort === undefined
        ? ''
        : `  MQTT/TLS   mqtts://${config.MQTT_HOST === '0.0.0.0' ? '127.0.0.1' : config.MQTT_HOST}:${centre.broker.tlsPort}`,
      centre.broker.wsPort === undefined
        ? ''
        : `  MQTT/WS    ws://${config.MQTT_HOST === '0.0.0.0' ? '127.0.0.1' : config.MQTT_HOST}:${centre.broker.wsPort}/mqtt`,
      `  InfluxDB   ${withoutUserinfo(centre.influxUrl)} (database ${config.INFLUX_DB})`,
      values.demo
        ? `  demo       ${centre.catalogue.stations.length} simulated gateways, one message every ${config.DEMO_INTERVAL_MS} ms`
        : '',
      values.demo && config.DEMO_SCENARIO_FILE !== ''
        ? `  scenarios  ${config.DEMO_SCENARIO_FILE} (every alert kind within ten minutes)`
        : '',
      centre.legacy ? `  legacy     watching ${config.LEGACY_DROP_DIR} for text files` : '',
      `  heap       ${Math.round(getHeapStatistics().heap_size_limit / 1024 ** 2)} MB at most (QUANTRAC_HEAP_MB bounds the old space)`,
      // Printed here once, on stdout, never through the logger (core/logger.ts).
      centre.demoLogin
        ? `  login      user ${centre.demoLogin.username}  password ${centre.demoLogin.password}  (operator; new each start)`
        : '',
      'Press Ctrl-C to stop.',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n',
  );
  await untilSignal(log, () => centre.close());
  return 0;
}

/** `quantrac gateway add|rotate|disable|enable|list`: gateway credentials (broker/gateway-command.ts). */
async function gateway(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      catalogue: { type: 'string' },
    },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const store = createCredentialStore({ file: credentialsFileIn(config.DATA_DIR), cost: config.MQTT_AUTH_SCRYPT_COST });
  return runGatewayCommand(
    positionals,
    { role: values.role, json: values.json },
    {
      store,
      catalogue: () => loadCatalogue(resolve(config.CATALOGUE)),
      out: (text) => process.stdout.write(text),
    },
  );
}

/** `quantrac user add|passwd|role|disable|enable|list`: dashboard accounts (dashboard/server/user-command.ts). */
async function user(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      json: { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  });
  const config = loadConfig(envWith({ DATA_DIR: values['data-dir'] }));
  return runUserCommand(
    positionals,
    { role: values.role, json: values.json, passwordStdin: values['password-stdin'] },
    {
      store: createUserStore(join(resolve(config.DATA_DIR), 'users.json'), { cost: config.DASHBOARD_SCRYPT_COST }),
      out: (text) => process.stdout.write(text),
      readPassword: async () => {
        let text = '';
        for await (const chunk of process.stdin) text += String(chunk);
        return text.split('\n')[0] ?? '';
      },
    },
  );
}

async function simulate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
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
    },
  });
  const config = loadConfig(envWith({ CATALOGUE: values.catalogue }));
  const log = createLogger({ level: config.LOG_LEVEL });
  const catalogue = await loadCatalogue(resolve(config.CATALOGUE));
  const url = values.url ?? `mqtt://127.0.0.1:${config.MQTT_PORT}`;
  // Flags win over the scenario file, which wins over the defaults; --scenario adds to the file's.
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
  const durationS = values['duration-s'] === undefined ? file.durationS : positiveNumber(values['duration-s'], '--duration-s');
  const sim = startSimulator({
    url,
    catalogue,
    stations,
    rate,
    durationS,
    messages: values.messages === undefined ? undefined : positiveInt(values.messages, '--messages'),
    seed: values.seed === undefined ? (file.seed ?? 1) : positiveInt(values.seed, '--seed'),
    historyS: values['history-s'] === undefined ? file.historyS : positiveNumber(values['history-s'], '--history-s'),
    historyStepS: file.historyStepS,
    scenarios,
    credentials: await simulatorCredentials(values.username, values.credentials),
    record: false,
    log,
  });
  process.stdout.write(`simulating gateways against ${url} at ${rate} messages/s each; Ctrl-C to stop\n`);
  for (const s of scenarios)
    process.stdout.write(`  scenario ${scenarioLabel(s)} from ${s.atS} s${s.forS === undefined ? '' : ` for ${s.forS} s`}\n`);
  const finished = durationS !== undefined || values.messages !== undefined;
  if (finished) {
    await Promise.race([sim.done, untilSignal(log, async () => undefined)]);
    await sim.close();
  } else {
    await untilSignal(log, () => sim.close());
  }
  const st = sim.stats();
  process.stdout.write(
    `sent ${st.messages} messages, ${st.acked} acknowledged, ${st.readingsAcked} readings; ${st.backlogMessages} store-and-forward messages, ${st.lost} samples lost (dropout), ${st.notices} rejection notices, ${st.backlog} readings still stored\n`,
  );
  return 0;
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

/** Waits for SIGINT/SIGTERM, then runs the shutdown; a second signal exits at once. */
function untilSignal(log: Logger, shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolvePromise) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        log.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      shutdown().then(
        () => {
          clearTimeout(force);
          resolvePromise();
        },
        (err: Error) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** A fresh checkout has no dashboard build: make it once, so `npm start` works on its own. */
function ensureWebBuild(log: Logger): void {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  log.info('building the dashboard (first start)');
  const res = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(ROOT, 'dashboard', 'web', 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (res.status !== 0) throw new QuantracError('ERR_BUILD', 'building the dashboard failed: run `npm run build` to see why');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    process.stderr.write(`quantrac: ${e instanceof QuantracError ? e.message : (e.stack ?? String(e))}\n`);
    process.exit(1);
  },
);
