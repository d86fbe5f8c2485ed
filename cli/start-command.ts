import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { createConsoleLogger, loadConfig, PACKAGE_ROOT, QuantracError, WEB_DIST, type Config, type Logger } from '../core/index.js';
import { startCentre, type Centre } from '../main.js';
import { envWith, untilSignal } from './process.js';

/** `quantrac start`: the centre, until Ctrl-C. Default files come from the package, data from DATA_DIR. */
export async function start(args: string[]): Promise<number> {
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
  const log = await createConsoleLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  ensureWebBuild(log);
  const centre = await startCentre({ config, log, demo: values.demo });
  process.stdout.write(banner(centre, config, values.demo));
  await untilSignal(log, () => centre.close());
  return 0;
}

/** What `quantrac start` prints once it runs: where everything is, and the demo login. */
function banner(centre: Centre, config: Config, demo: boolean): string {
  const host = config.MQTT_HOST === '0.0.0.0' ? '127.0.0.1' : config.MQTT_HOST;
  const lines = [
    '',
    'quantrac is running',
    `  dashboard  ${centre.dashboardUrl}`,
    `  MQTT       ${centre.mqttUrl}`,
    centre.broker.tlsPort === undefined ? '' : `  MQTT/TLS   mqtts://${host}:${centre.broker.tlsPort}`,
    centre.broker.wsPort === undefined ? '' : `  MQTT/WS    ws://${host}:${centre.broker.wsPort}/mqtt`,
    `  InfluxDB   ${withoutUserinfo(centre.influxUrl)} (database ${config.INFLUX_DB})`,
    demo ? `  demo       ${centre.catalogue.stations.length} simulated gateways, one message every ${config.DEMO_INTERVAL_MS} ms` : '',
    demo && config.DEMO_SCENARIO_FILE !== ''
      ? `  scenarios  ${shownPath(config.DEMO_SCENARIO_FILE)} (every alert kind within ten minutes)`
      : '',
    centre.legacy ? `  legacy     watching ${config.LEGACY_DROP_DIR} for text files` : '',
    `  heap       ${Math.round(getHeapStatistics().heap_size_limit / 1024 ** 2)} MB at most (QUANTRAC_HEAP_MB bounds the old space)`,
    // Printed here once, on stdout, never through the logger (core/logger.ts).
    centre.demoLogin
      ? `  login      user ${centre.demoLogin.username}  password ${centre.demoLogin.password}  (operator; new each start)`
      : '',
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

/** A path as printed: relative to the working directory when it lies below it (as the defaults were). */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** A URL as it may be printed: a `user:password@` in INFLUX_URL is a secret, never printed or logged. */
export function withoutUserinfo(url: string): string {
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

/** A fresh checkout has no dashboard build: make it once, so `npm start` works on its own. */
function ensureWebBuild(log: Logger): void {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  log.info('building the dashboard (first start)');
  const vite = join(PACKAGE_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const viteConfig = join(PACKAGE_ROOT, 'dashboard', 'web', 'vite.config.ts');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', viteConfig, '--logLevel', 'warn'], {
    cwd: PACKAGE_ROOT,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new QuantracError('ERR_BUILD', 'building the dashboard failed: run `npm run build` to see why');
}
