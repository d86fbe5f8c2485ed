/**
 * The cluster's Redis as docs/CLUSTER.md sets it up, on loopback for tests: a primary, its
 * replica(s) and three Sentinels (quorum 2), every data node with `appendonly yes`,
 * `appendfsync always`, `min-replicas-to-write 1` and `min-replicas-max-lag 10`, and Sentinel's
 * `down-after-milliseconds` short (2000) so a failover takes seconds. Each process on a free
 * port in a temp dir of its own (test/helpers/redis-harness.ts); never the system's 6379/26379.
 */
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import { startRedis, startSentinel, type RedisServer, type SentinelServer } from './redis-harness.js';

export interface RedisSetOptions {
  /** Replicas of the primary; default 1 (docs/CLUSTER.md: two keep writes going through a loss). */
  replicas?: number;
  /** Sentinels; default 3, quorum 2. */
  sentinels?: number;
  /** REDIS_SENTINEL_NAME; default `quantrac`. */
  name?: string;
  /** REDIS_PASSWORD: requirepass on data nodes and Sentinels. */
  password?: string;
  /** Sentinel's down-after-milliseconds; default 2000. */
  downAfterMs?: number;
  /** min-replicas-to-write on every data node; default 1 (0 to let a lone primary take writes). */
  minReplicasToWrite?: number;
}

export interface RedisSet {
  /** The sentinels' name for the primary (REDIS_SENTINEL_NAME). */
  name: string;
  password?: string;
  /** Every data node started, the killed ones included (their `port` stays theirs). */
  nodes: RedisServer[];
  sentinels: SentinelServer[];
  /** `127.0.0.1:p,127.0.0.1:q,...`: the value of REDIS_SENTINELS. */
  sentinelsSetting: string;
  /** The settings a centre of this set takes (core/config-cluster.ts). */
  env: Record<string, string>;
  /** The data node the set last knew as primary (at start, or from waitFailover()). */
  primary(): RedisServer;
  /** SIGKILL on the current primary (a machine lost); returns it. */
  killPrimary(): Promise<RedisServer>;
  /** Waits until the Sentinels name a primary other than `previous` (default: the last known) and it answers as master. */
  waitFailover(previous?: RedisServer, timeoutMs?: number): Promise<RedisServer>;
  /** SIGSTOP: the node keeps its connections but answers nothing (a hung machine, a partition). */
  freeze(node: RedisServer): void;
  /** SIGCONT after freeze(). */
  thaw(node: RedisServer): void;
  /** Starts a killed node again on its port and data; Sentinel makes it a replica of the new primary. */
  restart(node: RedisServer): Promise<RedisServer>;
  /** Asks one Sentinel (the first alive) for the primary's port. */
  primaryPortBySentinel(): Promise<number>;
  /** Stops everything and removes the temp dirs. */
  stop(): Promise<void>;
}

/** A short-lived ioredis connection to one loopback port, for one command. */
async function ask<T>(port: number, password: string | undefined, run: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await run(r);
  } finally {
    r.disconnect();
  }
}

/** The node's role from ROLE: 'master', 'slave' or 'sentinel'. */
export function roleOf(port: number, password?: string): Promise<string> {
  return ask(port, password, async (r) => String(((await r.call('ROLE')) as unknown[])[0]));
}

export async function startRedisSet(options: RedisSetOptions = {}): Promise<RedisSet> {
  const name = options.name ?? 'quantrac';
  const { password } = options;
  const config = {
    'min-replicas-to-write': String(options.minReplicasToWrite ?? 1),
    'min-replicas-max-lag': '10',
  };
  const nodes: RedisServer[] = [];
  const sentinels: SentinelServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all([...sentinels, ...nodes].map((s) => s.stop().catch(() => undefined)));
  };
  try {
    nodes.push(await startRedis({ config, password }));
    const first = nodes[0]!;
    for (let i = 0; i < (options.replicas ?? 1); i++) nodes.push(await startRedis({ replicaOf: { port: first.port }, config, password }));
    // Sentinel only picks a replica it has seen in sync: wait for the link before it starts watching.
    await vi.waitFor(
      async () => {
        for (const n of nodes.slice(1)) {
          const info = await ask(n.port, password, (r) => r.info('replication'));
          if (!info.includes('master_link_status:up')) throw new Error(`replica ${n.port} not in sync yet`);
        }
      },
      { timeout: 15_000, interval: 100 },
    );
    const count = options.sentinels ?? 3;
    const quorum = Math.floor(count / 2) + 1;
    for (let i = 0; i < count; i++) {
      sentinels.push(await startSentinel({ primaryPort: first.port, name, quorum, password, downAfterMs: options.downAfterMs }));
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  return redisSet(name, password, nodes, sentinels, config, stopAll);
}

function redisSet(
  name: string,
  password: string | undefined,
  nodes: RedisServer[],
  sentinels: SentinelServer[],
  config: Record<string, string>,
  stopAll: () => Promise<void>,
): RedisSet {
  let primary = nodes[0]!;
  const sentinelsSetting = sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  const alive = (p: { process: { exitCode: number | null; signalCode: NodeJS.Signals | null } }): boolean =>
    p.process.exitCode === null && p.process.signalCode === null;
  const primaryPortBySentinel = async (): Promise<number> => {
    const s = sentinels.find(alive);
    if (!s) throw new Error('no Sentinel alive');
    const addr = await ask(s.port, password, (r) => r.call('SENTINEL', 'get-master-addr-by-name', name) as Promise<string[] | null>);
    if (!addr) throw new Error(`Sentinel does not know ${name}`);
    return Number(addr[1]);
  };
  return {
    name,
    password,
    nodes,
    sentinels,
    sentinelsSetting,
    env: { REDIS_SENTINELS: sentinelsSetting, REDIS_SENTINEL_NAME: name, ...(password ? { REDIS_PASSWORD: password } : {}) },
    primary: () => primary,
    primaryPortBySentinel,
    async killPrimary() {
      const killed = primary;
      await killed.kill();
      return killed;
    },
    async waitFailover(previous = primary, timeoutMs = 30_000) {
      const next = await vi.waitFor(
        async () => {
          const port = await primaryPortBySentinel();
          const node = nodes.find((n) => n.port === port && n !== previous && alive(n));
          if (!node) throw new Error(`Sentinel still names ${port} as primary`);
          if ((await roleOf(port, password)) !== 'master') throw new Error(`${port} not master yet`);
          return node;
        },
        { timeout: timeoutMs, interval: 200 },
      );
      primary = next;
      return next;
    },
    freeze: (node) => void node.process.kill('SIGSTOP'),
    thaw: (node) => void node.process.kill('SIGCONT'),
    async restart(node) {
      const again = await startRedis({ port: node.port, dir: node.dir, config, password });
      nodes[nodes.indexOf(node)] = again;
      return again;
    },
    stop: stopAll,
  };
}
