import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { freePort, QuantracError, type Logger } from '../core/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import { forgetInfluxdPid, recordInfluxdPid, stopOrphanInfluxd } from './influxd-orphan.js';

export interface LocalInfluxd {
  readonly url: string;
  readonly dir: string;
  /** The running influxd's process id (undefined while stopped): benchmarks sample its CPU. */
  readonly pid: number | undefined;
  /** Stops influxd (SIGTERM, then SIGKILL after 10 s); the data stays for a later start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory (outage tests). */
  start(): Promise<void>;
  /** Stops influxd and releases the directory's lock. */
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

/** The lock on the private influxd's directory: one centre (one influxd) per directory. */
export const INFLUXD_LOCK = 'quantrac.lock';

/**
 * Runs a private influxd under `dir` on free loopback ports and waits until it answers /ping.
 * One per directory: the directory is locked (INFLUXD_LOCK, dir-lock.ts; a second centre on it
 * is refused), and an influxd a crashed centre left running there (its pid in influxd.pid) is
 * stopped first, so two never share the data files.
 */
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
  const lock: DirLock = await acquireDirLock(join(dir, INFLUXD_LOCK));
  const configPath = join(dir, 'influxdb.conf');
  let child: ChildProcess | undefined;
  try {
    await stopOrphanInfluxd({ dir, configPath, scheduler, log: options.log });
    const httpPort = await freePort();
    await writeConfig(dir, configPath, httpPort, await freePort());
    const url = `http://127.0.0.1:${httpPort}`;
    const start = async (): Promise<void> => {
      child = spawnInfluxd(binary, dir, configPath);
      await untilAnswering(child, url, dir, scheduler);
      options.log?.info({ url, dir, pid: child.pid }, 'local influxd started');
    };
    const stop = async (): Promise<void> => {
      const proc = child;
      child = undefined;
      if (proc) await stopChild(proc, scheduler);
      forgetInfluxdPid(dir);
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
      async close() {
        await stop();
        await lock.release();
      },
    };
  } catch (err) {
    if (child) await stopChild(child, scheduler);
    await lock.release();
    throw err;
  }
}

function writeConfig(dir: string, configPath: string, httpPort: number, rpcPort: number): Promise<void> {
  return writeFile(
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
}

/** Spawns influxd with its output in influxd.log, and records its pid at once. */
function spawnInfluxd(binary: string, dir: string, configPath: string): ChildProcess {
  const logFd = openSync(join(dir, 'influxd.log'), 'a');
  const child = spawn(binary, ['-config', configPath], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  recordInfluxdPid(dir, child.pid);
  return child;
}

/** Waits until influxd answers /ping (at most 60 s); throws if it exits first. */
async function untilAnswering(proc: ChildProcess, url: string, dir: string, scheduler: SchedulerLike): Promise<void> {
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const deadline = scheduler.now() + 60_000;
  for (;;) {
    const done = await Promise.race([exited.then(() => true), wait(100, scheduler).then(() => false)]);
    if (done) throw new QuantracError('ERR_INFLUXD', `influxd exited during start-up; see ${join(dir, 'influxd.log')}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return;
    } catch {
      /* not yet listening */
    }
    if (scheduler.now() > deadline)
      throw new QuantracError('ERR_INFLUXD', `influxd did not answer /ping within 60 s; see ${join(dir, 'influxd.log')}`);
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
async function stopChild(proc: ChildProcess, scheduler: SchedulerLike): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.kill('SIGTERM');
  const timer = scheduler.schedule(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  timer.unsubscribe();
}
