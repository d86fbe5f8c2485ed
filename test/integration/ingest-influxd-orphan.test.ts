import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalInfluxd, type LocalInfluxd } from '../../ingest/index.js';

const INGEST = pathToFileURL(fileURLToPath(new URL('../../ingest/index.ts', import.meta.url))).href;

/** The influxd processes running on `dir` (their /proc cmdline names its config file). */
function influxdsOn(dir: string): number[] {
  const config = join(dir, 'influxdb.conf');
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (basename(args[0] ?? '') === 'influxd' && args.includes(config)) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/** Starts a private influxd from another Node process, as a centre does; resolves with that process, the influxd's pid and url. */
async function startInChild(dir: string) {
  const script = `const { startLocalInfluxd } = await import(${JSON.stringify(INGEST)});
const i = await startLocalInfluxd({ dir: ${JSON.stringify(dir)} });
console.log('READY ' + i.pid + ' ' + i.url);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY within 60 s: ${out} ${err}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`child exited before READY: ${out} ${err}`));
    });
  });
  return { child, exited, pid: Number(ready[1]), url: ready[2]! };
}

describe('private influxd: one per directory, an orphan stopped at the next start', () => {
  let dir: string | undefined;
  let influxd: LocalInfluxd | undefined;
  afterEach(async () => {
    await influxd?.close();
    influxd = undefined;
    if (dir) {
      for (const pid of influxdsOn(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('after a centre is killed with its influxd still running, the next start stops that influxd and runs exactly one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-influxd-orphan-'));
    const crashed = await startInChild(dir);
    expect(influxdsOn(dir)).toEqual([crashed.pid]);
    crashed.child.kill('SIGKILL'); // the centre dies without stopping its influxd
    await crashed.exited;
    expect(influxdsOn(dir)).toEqual([crashed.pid]); // the orphan, still on the directory

    influxd = await startLocalInfluxd({ dir });
    expect(influxd.pid).toBeDefined();
    expect(influxd.pid).not.toBe(crashed.pid);
    expect(influxdsOn(dir)).toEqual([influxd.pid]);
    expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
    await expect(fetch(`${crashed.url}/ping`)).rejects.toThrow();

    await influxd.close();
    influxd = undefined;
    await vi.waitFor(() => expect(influxdsOn(dir!)).toEqual([]), { timeout: 15_000, interval: 50 });
  });

  it('a second start on a directory in use is refused, and the running influxd is left alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-influxd-lock-'));
    influxd = await startLocalInfluxd({ dir });
    await expect(startLocalInfluxd({ dir })).rejects.toThrow(/in use|held by/);
    const other = await startInChild(dir).catch((err: Error) => err);
    expect(other).toBeInstanceOf(Error);
    expect((other as Error).message).toMatch(/held by process/);
    expect(influxdsOn(dir)).toEqual([influxd.pid]);
    expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
  });
});
