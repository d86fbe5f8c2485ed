/**
 * A real redis-server (Debian's package) for cluster tests: on a free loopback port, in a temp
 * dir of its own, with the durability settings cluster mode needs (docs/CLUSTER.md):
 * `appendonly yes`, `appendfsync always`. Never the system's own service on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a machine lost), then waits for the exit. */
  kill(): Promise<void>;
}

export interface RedisOptions {
  /** Makes it a replica of that server. */
  replicaOf?: { port: number };
  /** More `--name value` settings, e.g. { 'min-replicas-to-write': '1' }. */
  config?: Record<string, string>;
}

/** Answers true when a PING over a plain socket gets +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let out = '';
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      out += d.toString();
      if (out.includes('\r\n')) {
        s.destroy();
        resolve(out.startsWith('+PONG'));
      }
    });
    s.on('error', () => resolve(false));
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-redis-'));
  const port = await freePort();
  const settings: Record<string, string> = {
    port: String(port),
    bind: '127.0.0.1',
    dir,
    appendonly: 'yes',
    appendfsync: 'always',
    save: '',
    daemonize: 'no',
    logfile: '',
    ...(options.replicaOf ? { replicaof: `127.0.0.1 ${options.replicaOf.port}` } : {}),
    ...options.config,
  };
  const args = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, ...(k === 'replicaof' ? v.split(' ') : [v])]);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${log}`);
      if (!(await ping(port))) throw new Error('redis-server not answering yet');
    },
    { timeout: 15_000, interval: 50 },
  );
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    process: child,
    stop: async () => {
      await end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
  };
}
