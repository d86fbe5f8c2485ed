/**
 * The cluster step's Redis (docs/PERFORMANCE.md, "How it is measured"): a primary and its
 * replica from Debian's `redis-server`, each on a free loopback port in a temp dir of its own,
 * with the settings docs/CLUSTER.md ("Durability") asks of production: `appendonly yes`,
 * `appendfsync always`, `min-replicas-to-write 1`, `noeviction`. Not the vitest harness
 * (test/helpers/redis-harness.ts), which needs vitest; never the system's own Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../core/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';

export interface RedisProcess {
  pid: number;
  port: number;
  url: string;
  /** SIGTERM, then SIGKILL after 10 s (a replica writing its first AOF ignores SIGTERM: docs/CLUSTER.md). */
  stop(): Promise<void>;
}

export interface RedisPair {
  primary: RedisProcess;
  replica: RedisProcess;
  stop(): Promise<void>;
}

/** The settings of one data node; a replica's `replicaof` line added by the caller. */
export function redisSettings(port: number, dir: string): Record<string, string> {
  return {
    port: String(port),
    bind: '127.0.0.1',
    dir,
    daemonize: 'no',
    logfile: '""',
    appendonly: 'yes',
    appendfsync: 'always',
    save: '""',
    'min-replicas-to-write': '1',
    'min-replicas-max-lag': '10',
    'maxmemory-policy': 'noeviction',
    // The replica's first sync at once, not after the default 5 s wait for more replicas.
    'repl-diskless-sync-delay': '0',
  };
}

async function startRedisProcess(dir: string, extra: Record<string, string>, scheduler: SchedulerLike): Promise<RedisProcess> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const settings = { ...redisSettings(port, dir), ...extra };
  const file = join(dir, 'redis.conf');
  await writeFile(
    file,
    Object.entries(settings)
      .map(([k, v]) => `${k} ${v}\n`)
      .join(''),
  );
  const child = spawn('redis-server', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `redis://127.0.0.1:${port}`;
  const stop = (): Promise<void> => endChild(child, scheduler);
  try {
    await untilAnswers(url, child, scheduler);
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid: child.pid!, port, url, stop };
}

async function endChild(child: ChildProcess, scheduler: SchedulerLike): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = scheduler.schedule(() => child.kill('SIGKILL'), 10_000);
  await exited;
  t.unsubscribe();
}

/** Polls PING every 50 ms for up to 15 s. */
async function untilAnswers(url: string, child: ChildProcess, scheduler: SchedulerLike): Promise<void> {
  const deadline = scheduler.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) on ${url}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Refused while it starts: the connect's rejection says so; without a listener ioredis would print it too.
    client.on('error', () => undefined);
    const ok = await client
      .connect()
      .then(() => client.ping())
      .then(
        (r) => r === 'PONG',
        () => false,
      );
    client.disconnect();
    if (ok) return;
    if (scheduler.now() > deadline) throw new Error(`redis-server on ${url} did not answer in 15 s`);
    await wait(50, scheduler);
  }
}

/** Polls the primary every 100 ms for up to 30 s until a replica is connected and in sync (min-replicas-to-write holds). */
async function untilReplicated(primaryUrl: string, scheduler: SchedulerLike): Promise<void> {
  const client = new Redis(primaryUrl);
  try {
    const deadline = scheduler.now() + 30_000;
    for (;;) {
      const info = await client.info('replication');
      if (/^slave0:.*state=online/m.test(info)) return;
      if (scheduler.now() > deadline) throw new Error(`no replica online on ${primaryUrl} after 30 s:\n${info}`);
      await wait(100, scheduler);
    }
  } finally {
    client.disconnect();
  }
}

/** A primary and its replica under `dir`, returned once the replica is online (writes are taken). */
export async function startRedisPair(dir: string, scheduler: SchedulerLike = systemScheduler): Promise<RedisPair> {
  const primary = await startRedisProcess(join(dir, 'primary'), {}, scheduler);
  let replica: RedisProcess | undefined;
  try {
    replica = await startRedisProcess(join(dir, 'replica'), { replicaof: `127.0.0.1 ${primary.port}` }, scheduler);
    await untilReplicated(primary.url, scheduler);
  } catch (e) {
    await replica?.stop();
    await primary.stop();
    throw e;
  }
  const started = replica;
  return {
    primary,
    replica: started,
    async stop() {
      await started.stop();
      await primary.stop();
    },
  };
}
