import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { QuantracError, type Logger } from '../core/index.js';
import { wait, type SchedulerLike } from '../platform/index.js';

/** The private influxd's pid, in its directory: written as soon as it is spawned, removed once it has stopped. */
export const INFLUXD_PID_FILE = 'influxd.pid';

/** Records the running influxd's pid (synchronously, right after the spawn: a crash a moment later still leaves it findable). */
export function recordInfluxdPid(dir: string, pid: number | undefined): void {
  if (pid !== undefined) writeFileSync(join(dir, INFLUXD_PID_FILE), `${pid}\n`);
}

export function forgetInfluxdPid(dir: string): void {
  try {
    unlinkSync(join(dir, INFLUXD_PID_FILE));
  } catch {
    /* already gone */
  }
}

/**
 * True when process `pid` is influxd running with `configPath`, read from /proc/<pid>/cmdline:
 * a pid the system gave to another program since, or a zombie (empty cmdline), is not ours.
 * Where there is no /proc (not Linux), nothing is recognised, so nothing is ever stopped.
 */
export function isInfluxdOn(pid: number, configPath: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return basename(args[0] ?? '') === 'influxd' && args.includes(configPath);
  } catch {
    return false;
  }
}

/**
 * Stops any influxd a crashed centre left running on this directory (docs/OPERATIONS.md): two
 * influxd on one data directory would corrupt it. The caller holds the directory's lock, so an
 * influxd running with this directory's config file has no owner: the one recorded in the pid
 * file, and any other /proc shows (one started by a version that kept no pid file). SIGTERM,
 * then SIGKILL after `graceMs`; resolves with the pids stopped once they are gone, throws if
 * even SIGKILL did not end one within `graceMs`.
 */
export async function stopOrphanInfluxd(options: {
  dir: string;
  configPath: string;
  scheduler: SchedulerLike;
  log?: Logger;
  graceMs?: number;
}): Promise<number[]> {
  const { dir, configPath, scheduler, log } = options;
  const graceMs = options.graceMs ?? 10_000;
  const candidates = new Set([recordedPid(dir), ...processesOn(configPath)]);
  const orphans = [...candidates].filter((pid): pid is number => pid !== undefined && pid !== process.pid && isInfluxdOn(pid, configPath));
  if (orphans.length > 0) {
    log?.warn(
      { pids: orphans, dir },
      'influxd still running on this directory, left by a centre that stopped without stopping it: stopping it',
    );
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      for (const pid of orphans) kill(pid, signal);
      const deadline = scheduler.now() + graceMs;
      while (orphans.some((pid) => isInfluxdOn(pid, configPath)) && scheduler.now() < deadline) await wait(50, scheduler);
      if (!orphans.some((pid) => isInfluxdOn(pid, configPath))) break;
    }
    const left = orphans.filter((pid) => isInfluxdOn(pid, configPath));
    if (left.length > 0)
      throw new QuantracError('ERR_INFLUXD', `influxd ${left.join(', ')}, left running on ${dir}, did not stop (SIGTERM, then SIGKILL)`);
    log?.info({ pids: orphans }, 'the influxd left running has stopped');
  }
  forgetInfluxdPid(dir);
  return orphans;
}

function recordedPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, INFLUXD_PID_FILE), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Every process in /proc running influxd with `configPath` (none where there is no /proc). */
function processesOn(configPath: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => pid > 1 && isInfluxdOn(pid, configPath));
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone meanwhile, or not ours to signal: the check tells */
  }
}
