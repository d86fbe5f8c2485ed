import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { freePort, QuantracError, type Logger } from '../core/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';

export interface LocalInfluxd {
  readonly url: string;
  readonly dir: string;
  /** The running influxd's process id (undefined while stopped): benchmarks sample its CPU. */
  readonly pid: number | undefined;
  /** Stops influxd (SIGTERM, then SIGKILL after 10 s); the data stays for a later start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory (outage tests). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const INSTALL_HINT =
  'InfluxDB is needed: install it (Debian/Ubuntu: `sudo apt-get install influxdb`, or see https://docs.influxdata.com/influxdb/v1/introduction/install/) or set INFLUX_URL to a running server.';

export function findInfluxd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    const candidate = join(dir, 'influxd');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds influxd, installing Debian's `influxdb` package first when it is missing and we run
 * as root on Debian; elsewhere throws with the way to install it.
 */
export function ensureInfluxd(log?: Logger): string {
  const found = findInfluxd();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) throw new QuantracError('ERR_NO_INFLUXD', INSTALL_HINT);
  log?.warn('influxd not found: installing Debian package influxdb (apt-get install influxdb)');
  process.stderr.write('quantrac: influxd not found; installing Debian package "influxdb" with apt-get...\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let res = spawnSync('apt-get', ['install', '-y', '-q', 'influxdb'], { stdio: 'inherit', env });
  if (res.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    res = spawnSync('apt-get', ['install', '-y', '-q', 'influxdb'], { stdio: 'inherit', env });
  }
  const after = findInfluxd();
  if (res.status !== 0 || !after) throw new QuantracError('ERR_NO_INFLUXD', `apt-get install influxdb failed. ${INSTALL_HINT}`);
  return after;
}

/** Runs a private influxd under `dir` on free loopback ports and waits until it answers /ping. */
export async function startLocalInfluxd(options: {
  dir: string;
  log?: Logger;
  /** Polls /ping and times the stop: default systemScheduler. */
  scheduler?: SchedulerLike;
}): Promise<LocalInfluxd> {
  const scheduler = options.scheduler ?? systemScheduler;
  const binary = ensureInfluxd(options.log);
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(
    configPath,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const logFd = openSync(join(dir, 'influxd.log'), 'a');
    child = spawn(binary, ['-config', configPath], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const proc = child;
    const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
    const deadline = scheduler.now() + 60_000;
    for (;;) {
      const done = await Promise.race([exited.then(() => true), wait(100, scheduler).then(() => false)]);
      if (done) throw new QuantracError('ERR_INFLUXD', `influxd exited during start-up; see ${join(dir, 'influxd.log')}`);
      try {
        const res = await fetch(`${url}/ping`);
        if (res.status === 204) break;
      } catch {
        /* not yet listening */
      }
      if (scheduler.now() > deadline)
        throw new QuantracError('ERR_INFLUXD', `influxd did not answer /ping within 60 s; see ${join(dir, 'influxd.log')}`);
    }
    options.log?.info({ url, dir }, 'local influxd started');
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    proc.kill('SIGTERM');
    const timer = scheduler.schedule(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    timer.unsubscribe();
  };

  await start();
  return {
    url,
    dir,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
    close: stop,
  };
}
