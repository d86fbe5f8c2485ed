import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireDirLock, type DirLock } from '../../ingest/dir-lock.js';

const DIR_LOCK = fileURLToPath(new URL('../../ingest/dir-lock.ts', import.meta.url));
/** No process has this pid (above any pid_max): a lock holding it is stale. */
const DEAD_PID = 2_147_483_646;

/**
 * A process that loads dir-lock, prints "ready", and on "go" (stdin) tries to take the lock,
 * printing "acquired" or "locked ..."; it keeps what it got until its stdin closes.
 */
function contender(path: string): { child: ChildProcess; output(): string } {
  const script = `
    import { register } from 'tsx/esm/api';
    register();
    const { acquireDirLock } = await import(${JSON.stringify(DIR_LOCK)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => {
      try {
        await acquireDirLock(${JSON.stringify(path)});
        process.stdout.write('acquired\\n');
      } catch (err) {
        process.stdout.write('locked ' + err.code + '\\n');
      }
    });
    process.stdin.once('end', () => process.exit(0));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

describe('spool directory lock', () => {
  let dir: string;
  const locks: DirLock[] = [];
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-lock-'));
  });
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.release();
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.stdin!.end();
        await exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('takes over a stale lock, refuses a second taker in this process, and is free again after release', async () => {
    const path = join(dir, 'LOCK');
    await writeFile(`${path}.3`, `${DEAD_PID}\n`);
    const lock = await acquireDirLock(path);
    await expect(acquireDirLock(path)).rejects.toThrow(/in use by this process/);
    expect(await readdir(dir)).toEqual(['LOCK.4']);
    expect((await readFile(`${path}.4`, 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    locks.push(await acquireDirLock(path));
    expect(await readdir(dir)).toEqual(['LOCK.5']);
  });

  it('of several processes starting at once on a stale lock, exactly one takes it', async () => {
    const path = join(dir, 'LOCK');
    await writeFile(`${path}.1`, `${DEAD_PID}\n`);
    const racers = Array.from({ length: 4 }, () => contender(path));
    children.push(...racers.map((r) => r.child));
    await vi.waitFor(() => expect(racers.every((r) => r.output().includes('ready'))).toBe(true), { timeout: 30_000, interval: 50 });
    for (const r of racers) r.child.stdin!.write('go\n');
    await vi.waitFor(() => expect(racers.every((r) => /acquired|locked/.test(r.output()))).toBe(true), { timeout: 30_000, interval: 50 });
    const results = racers.map((r) => r.output().trim().split('\n').at(-1));
    expect(results.filter((x) => x === 'acquired')).toHaveLength(1);
    expect(results.filter((x) => x === 'locked ERR_LOCKED')).toHaveLength(3);
    // And this process is refused while the winner lives.
    await expect(acquireDirLock(path)).rejects.toThrow(/held by process/);
  }, 60_000);
});
