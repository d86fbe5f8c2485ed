import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, loadCatalogue, loadConfig, QuantracError, type Logger } from './core/index.js';
import { startCentre, ROOT, WEB_DIST } from './main.js';
import { startSimulator } from './simulators/index.js';

const USAGE = `Usage:
  quantrac start [--demo] [--mqtt-port N] [--http-port N] [--data-dir DIR] [--catalogue FILE]
  quantrac simulate [--url mqtt://host:port] [--stations N] [--interval-ms N] [--duration-s N] [--messages N] [--seed N]

Configuration comes from the environment (see README, "Configuration"); flags override it.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': return start(rest);
    case 'simulate': return simulate(rest);
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`quantrac: unknown command "${command}"\n${USAGE}\n`);
      return 2;
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
  const config = loadConfig(envWith({ MQTT_PORT: values['mqtt-port'], HTTP_PORT: values['http-port'], DATA_DIR: values['data-dir'], CATALOGUE: values.catalogue }));
  const log = createLogger({ level: config.LOG_LEVEL });
  ensureWebBuild(log);
  const centre = await startCentre({ config, log, demo: values.demo });
  process.stdout.write([
    '',
    'quantrac is running',
    `  dashboard  ${centre.dashboardUrl}`,
    `  MQTT       ${centre.mqttUrl}`,
    `  InfluxDB   ${centre.influxUrl} (database ${config.INFLUX_DB})`,
    values.demo ? `  demo       ${centre.catalogue.stations.length} simulated gateways, one message every ${config.DEMO_INTERVAL_MS} ms` : '',
    'Press Ctrl-C to stop.',
    '',
  ].filter((l) => l !== '').join('\n') + '\n');
  await untilSignal(log, () => centre.close());
  return 0;
}

async function simulate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      stations: { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      'duration-s': { type: 'string' },
      messages: { type: 'string' },
      seed: { type: 'string', default: '1' },
      catalogue: { type: 'string' },
    },
  });
  const config = loadConfig(envWith({ CATALOGUE: values.catalogue }));
  const log = createLogger({ level: config.LOG_LEVEL });
  const catalogue = await loadCatalogue(resolve(config.CATALOGUE));
  const url = values.url ?? `mqtt://127.0.0.1:${config.MQTT_PORT}`;
  const sim = startSimulator({
    url,
    catalogue,
    stations: values.stations === undefined ? undefined : positiveInt(values.stations, '--stations'),
    intervalMs: positiveInt(values['interval-ms'], '--interval-ms'),
    durationS: values['duration-s'] === undefined ? undefined : positiveInt(values['duration-s'], '--duration-s'),
    messages: values.messages === undefined ? undefined : positiveInt(values.messages, '--messages'),
    seed: positiveInt(values.seed, '--seed'),
    log,
  });
  process.stdout.write(`simulating gateways against ${url}; Ctrl-C to stop\n`);
  const finished = values['duration-s'] !== undefined || values.messages !== undefined;
  if (finished) {
    await Promise.race([sim.done, untilSignal(log, async () => undefined)]);
    await sim.close();
  } else {
    await untilSignal(log, () => sim.close());
  }
  const acked = sim.sent.filter((m) => m.ackedAt !== undefined);
  process.stdout.write(`sent ${sim.sent.length} messages, ${acked.length} acknowledged, ${acked.reduce((n, m) => n + m.readings.length, 0)} readings\n`);
  return 0;
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
      shutdown().then(() => {
        clearTimeout(force);
        resolvePromise();
      }, (err: Error) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** A fresh checkout has no dashboard build: make it once, so `npm start` works on its own. */
function ensureWebBuild(log: Logger): void {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  log.info('building the dashboard (first start)');
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'dashboard', 'web', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
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
