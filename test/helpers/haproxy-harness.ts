/**
 * A real HAProxy (Debian's package) in front of MQTT, as docs/CLUSTER.md ("HAProxy") sets it up
 * and ops/haproxy/haproxy.cfg writes it: a TCP frontend on a free loopback port, balancing
 * connections over the centres' MQTT ports, each centre checked with `GET /healthz` on its HTTP
 * port (`check port`). Only `inter`/`fall`/`rise` are shorter here, so a test sees a centre go
 * down in about a second. The admin socket in its temp dir answers `show stat`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { freePort } from '../../core/index.js';

export interface HaproxyBackend {
  host?: string;
  mqttPort: number;
  httpPort: number;
}

export interface HaproxyOptions {
  backends: HaproxyBackend[];
  /** Health check interval, ms; default 300. */
  interMs?: number;
  /** Failed checks before a centre is out; default 2. */
  fall?: number;
  /** Good checks before it is back; default 1. */
  rise?: number;
}

export type ServerStatus = 'UP' | 'DOWN' | string;

export interface Haproxy {
  /** The MQTT frontend's port on 127.0.0.1. */
  port: number;
  dir: string;
  /** The generated haproxy.cfg. */
  config: string;
  process: ChildProcess;
  /** Each backend server's status by name (`c0`, `c1`, ... in the order given), from `show stat`. */
  status(): Promise<Record<string, ServerStatus>>;
  /** Waits until server `name` (e.g. `c0`) is settled in that status (`UP` or `DOWN`, not `UP 1/2` on its way down). */
  waitStatus(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's haproxy is in /usr/sbin, which a user's PATH may lack. */
export const HAPROXY = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

/** The config: the same sections as ops/haproxy/haproxy.cfg, on loopback, with short timers. */
export function haproxyConfig(port: number, socket: string, options: HaproxyOptions): string {
  const servers = options.backends.map((b, i) => `  server c${i} ${b.host ?? '127.0.0.1'}:${b.mqttPort} check port ${b.httpPort}`);
  return [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    // Small: HAProxy raises its file limit to about twice this, past what a test machine allows.
    '  maxconn 1000',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 10m',
    '  timeout server 10m',
    '  timeout check 1s',
    'frontend mqtt',
    `  bind 127.0.0.1:${port}`,
    '  default_backend centres',
    'backend centres',
    '  balance leastconn',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    `  default-server inter ${options.interMs ?? 300} fall ${options.fall ?? 2} rise ${options.rise ?? 1} on-marked-down shutdown-sessions`,
    ...servers,
    '',
  ].join('\n');
}

/** One admin-socket command's answer (HAProxy closes the socket after it). */
function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let out = '';
    s.on('connect', () => s.end(`${command}\n`));
    s.on('data', (d) => void (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const config = haproxyConfig(port, socket, options);
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  // -db: stay in the foreground, so the harness owns the process and its exit.
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const status = async (): Promise<Record<string, ServerStatus>> => {
    const csv = await adminCommand(socket, 'show stat');
    const rows = csv.split('\n').filter((l) => l.startsWith('centres,'));
    // `show stat` CSV: pxname, svname, ..., status is the 18th column.
    return Object.fromEntries(rows.map((l) => l.split(',')).map((c) => [c[1]!, c[17]!]));
  };
  try {
    // Ready when the admin socket answers; a bad config ends the process at once.
    await Promise.race([
      vi.waitFor(() => status(), { timeout: 15_000, interval: 50 }),
      exited.then(() => Promise.reject(new Error(`haproxy exited: ${log}`))),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    dir,
    config,
    process: child,
    status,
    async waitStatus(name, want, timeoutMs = 15_000) {
      await vi.waitFor(
        async () => {
          const now = (await status())[name];
          if (now !== want) throw new Error(`${name} is ${now}, not ${want}`);
        },
        { timeout: timeoutMs, interval: 100 },
      );
    },
    stop,
  };
}
