/**
 * A real redis-server and redis-sentinel (Debian's packages) for cluster tests: each on a free
 * loopback port, in a temp dir of its own, with a config file there (so Sentinel's CONFIG REWRITE
 * works, as on a real machine) and the durability settings cluster mode needs (docs/CLUSTER.md,
 * "Durability"): `appendonly yes`, `appendfsync always`. Never the system's own services on 6379
 * and 26379, which Debian's packages may have started: nothing here reads or touches them.
 * A primary, its replica and three Sentinels together: test/helpers/cluster-harness.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { freePort } from '../../core/index.js';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  process: ChildProcess;
  /** SIGTERM, then waits for the exit and removes the dir. */
  stop(): Promise<void>;
  /** SIGKILL (a machine lost), then waits for the exit; the dir stays, for a restart. */
  kill(): Promise<void>;
}

export interface RedisOptions {
  /** Makes it a replica of that server. */
  replicaOf?: { port: number };
  /** More settings, e.g. { 'min-replicas-to-write': '1' }. */
  config?: Record<string, string>;
  /** requirepass, and masterauth for a replica (docs/CLUSTER.md, REDIS_PASSWORD). */
  password?: string;
  /** Start on this port and in this dir (a restart after kill(): same data, same address). */
  port?: number;
  dir?: string;
}

/** Answers true when a PING over a plain socket gets +PONG (or -NOAUTH: alive, with a password). */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let out = '';
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      out += d.toString();
      if (out.includes('\r\n')) {
        s.destroy();
        resolve(out.startsWith('+PONG') || out.startsWith('-NOAUTH'));
      }
    });
    s.on('error', () => resolve(false));
  });
}

/** A config file's text: one `name value` a line, an empty value as "". */
function configText(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} ${v === '' ? '""' : v}`)
    .join('\n')
    .concat('\n');
}

interface Spawned {
  process: ChildProcess;
  end(signal: NodeJS.Signals): Promise<void>;
}

/** Runs `bin configFile` and waits until the port answers PING. */
async function spawnServer(bin: string, configFile: string, port: number): Promise<Spawned> {
  const child = spawn(bin, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (running()) child.kill(signal);
    // Redis 7.0 ignores a SIGTERM while a replica writes its first AOF after a full sync
    // ("Writing initial AOF, can't exit") and does not retry: ask again each second, then SIGKILL.
    let asked = 1;
    const again = setInterval(() => running() && child.kill(++asked > 10 ? 'SIGKILL' : signal), 1000);
    await exited;
    clearInterval(again);
  };
  try {
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${bin} exited: ${log}`);
        if (!(await ping(port))) throw new Error(`${bin} not answering yet`);
      },
      { timeout: 15_000, interval: 50 },
    );
  } catch (e) {
    await end('SIGKILL');
    throw e;
  }
  return { process: child, end };
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'quantrac-redis-')));
  const port = options.port ?? (await freePort());
  const settings: Record<string, string> = {
    port: String(port),
    bind: '127.0.0.1',
    dir,
    appendonly: 'yes',
    appendfsync: 'always',
    save: '',
    daemonize: 'no',
    logfile: '',
    // A replica's first sync starts at once, not after the default 5 s wait for more replicas.
    'repl-diskless-sync-delay': '0',
    ...(options.replicaOf ? { replicaof: `127.0.0.1 ${options.replicaOf.port}` } : {}),
    ...(options.password ? { requirepass: options.password, masterauth: options.password } : {}),
    ...options.config,
  };
  const file = join(dir, 'redis.conf');
  await writeFile(file, configText(settings));
  const server = await spawnServer('redis-server', file, port);
  return {
    port,
    url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    dir,
    process: server.process,
    stop: async () => {
      await server.end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => server.end('SIGKILL'),
  };
}

export interface SentinelOptions {
  /** The primary it watches (on 127.0.0.1). */
  primaryPort: number;
  /** The primary's name (REDIS_SENTINEL_NAME); default `quantrac`. */
  name?: string;
  /** Sentinels that must agree the primary is down; default 2 (of three). */
  quorum?: number;
  /** How long the primary must not answer before it is down; default 2000 (production: docs/CLUSTER.md). */
  downAfterMs?: number;
  /** default 6000: short, so a second failover in a test is not held back for minutes. */
  failoverTimeoutMs?: number;
  /** The data nodes' password (auth-pass) and the Sentinel's own (requirepass). */
  password?: string;
}

export interface SentinelServer {
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** A redis-sentinel watching one primary; Sentinels of the same primary find each other through it. */
export async function startSentinel(options: SentinelOptions): Promise<SentinelServer> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-sentinel-'));
  const port = await freePort();
  const name = options.name ?? 'quantrac';
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    'daemonize no',
    'logfile ""',
    `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${options.primaryPort} ${options.quorum ?? 2}`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 2000}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 6000}`,
    `sentinel parallel-syncs ${name} 1`,
    ...(options.password ? [`sentinel auth-pass ${name} ${options.password}`, `requirepass ${options.password}`] : []),
  ];
  const file = join(dir, 'sentinel.conf');
  await writeFile(file, lines.join('\n') + '\n');
  const server = await spawnServer('redis-sentinel', file, port);
  return {
    port,
    dir,
    process: server.process,
    stop: async () => {
      await server.end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => server.end('SIGKILL'),
  };
}
